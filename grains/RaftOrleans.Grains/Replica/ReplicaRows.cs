using System.Collections.Concurrent;
using Orleans.Runtime;
using Orleans.Storage;
using RaftOrleans.Grains.AdoNet;

namespace RaftOrleans.Grains.Replica;

/// <summary>
/// The rows of one replica on an <see cref="IGrainStorage"/>, by state name, with the ETag of every
/// row this activation read or wrote (so a second writer is detected, fail-stop) and counts of reads
/// and writes (metrics and the tests that prove activation reads only what it needs). Writes and
/// deletes pass the provider's <see cref="SqliteWriteGate"/>, if it has one (SQLite: one writer per file).
/// </summary>
internal sealed class ReplicaRows(IGrainStorage storage, GrainId grainId, SqliteWriteGate? writeGate = null)
{
    private readonly ConcurrentDictionary<string, string?> _etags = new(StringComparer.Ordinal);
    private long _reads;
    private long _writes;
    private long _deletes;

    /// <summary>Rows read.</summary>
    public long Reads => Interlocked.Read(ref _reads);

    /// <summary>Rows written (deletes included).</summary>
    public long Writes => Interlocked.Read(ref _writes);

    /// <summary>Rows deleted.</summary>
    public long Deletes => Interlocked.Read(ref _deletes);

    /// <summary>
    /// Runs a storage call on the thread pool instead of the grain's turn. Some ADO.NET providers
    /// (Microsoft.Data.Sqlite) do their I/O, fsync included, synchronously inside the "async" call:
    /// on the grain scheduler that blocks the replica (and, on 2 cores, the whole silo) for the
    /// length of a disk flush — measured: 4.5 s turns and spurious elections under load. Awaiting
    /// it from the pump keeps Raft state changes serialized all the same.
    /// </summary>
    private static Task OffScheduler(Func<Task> call) => Task.Run(call);

    /// <summary>A write or delete, off the scheduler and through the write gate.</summary>
    private Task WriteOffScheduler(Func<Task> call) => writeGate is null ? Task.Run(call) : Task.Run(() => writeGate.RunAsync(call));

    /// <summary>Reads a row; null if it does not exist.</summary>
    public async Task<T?> ReadAsync<T>(string name) where T : class
    {
        var state = new GrainState<T>();
        await OffScheduler(() => storage.ReadStateAsync(name, grainId, state));
        Interlocked.Increment(ref _reads);
        _etags[name] = state.ETag;
        return state.RecordExists ? state.State : null;
    }

    /// <summary>
    /// Writes a row. A row this activation never read (a new row, or one a crash left behind) is
    /// read first for its ETag, so an orphan of an interrupted write is overwritten, not a conflict.
    /// </summary>
    public async Task WriteAsync<T>(string name, T value) where T : class
    {
        if (!_etags.TryGetValue(name, out var etag))
        {
            await ReadAsync<T>(name);
            etag = _etags[name];
        }
        var state = new GrainState<T>(value) { ETag = etag };
        await WriteOffScheduler(() => storage.WriteStateAsync(name, grainId, state));
        Interlocked.Increment(ref _writes);
        _etags[name] = state.ETag;
    }

    /// <summary>Deletes a row (nothing if it does not exist). Same ETag rule as <see cref="WriteAsync{T}"/>.</summary>
    public async Task DeleteAsync<T>(string name) where T : class
    {
        if (!_etags.TryGetValue(name, out var etag))
        {
            await ReadAsync<T>(name);
            etag = _etags[name];
        }
        if (etag is null)
        {
            _etags.TryRemove(name, out _);
            return;
        }
        var state = new GrainState<T>() { ETag = etag };
        await WriteOffScheduler(() => storage.ClearStateAsync(name, grainId, state));
        Interlocked.Increment(ref _writes);
        Interlocked.Increment(ref _deletes);
        // Forget the row: if it is written again (a later generation reusing a name), learn afresh.
        _etags.TryRemove(name, out _);
    }
}
