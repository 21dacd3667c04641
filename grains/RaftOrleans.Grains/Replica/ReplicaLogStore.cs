using Orleans.Runtime;
using Orleans.Storage;
using RaftOrleans.Consensus;

namespace RaftOrleans.Grains.Replica;

/// <summary>
/// Durable Raft storage for one replica on a named Orleans <see cref="IGrainStorage"/>, with the
/// in-memory twin the consensus core reads from. Rows (state names are globally unique):
/// <list type="bullet">
/// <item><c>raftkv.head</c>: hard state + unsealed log tail, rewritten once per ready batch;</item>
/// <item><c>raftkv.log.{n}</c>: sealed chunks of committed entries, written once each;</item>
/// <item><c>raftkv.sm</c>: the applied state machine snapshot.</item>
/// </list>
/// Only committed entries are sealed, and committed entries are never truncated, so a conflict
/// repair only ever rewrites the head row. A chunk is written before the head that stops holding
/// its entries, so a crash between the two writes loses nothing. An ETag mismatch means a second
/// activation of this replica exists: the store throws and the replica must stop (fail-stop).
/// </summary>
internal sealed class ReplicaLogStore
{
    private const string HeadName = "raftkv.head";
    private const string SnapshotName = "raftkv.sm";
    private readonly IGrainStorage _storage;
    private readonly GrainId _grainId;
    private readonly int _chunkEntries;
    private readonly GrainState<ReplicaHeadState> _head = new(new ReplicaHeadState());
    private readonly GrainState<StateMachineSnapshotState> _snapshot = new(new StateMachineSnapshotState());

    public ReplicaLogStore(IGrainStorage storage, GrainId grainId, int chunkEntries)
    {
        _storage = storage;
        _grainId = grainId;
        _chunkEntries = chunkEntries;
    }

    /// <summary>What is durable, as the consensus core reads it.</summary>
    public MemoryRaftLogStorage Memory { get; private set; } = new();

    /// <summary>The last state machine snapshot loaded or saved (AppliedIndex 0 = none).</summary>
    public StateMachineSnapshotState Snapshot => _snapshot.State ??= new StateMachineSnapshotState();

    /// <summary>Storage writes performed (for metrics and tests of group commit).</summary>
    public long Writes { get; private set; }

    /// <summary>Entries in the unsealed tail of the head row.</summary>
    public int TailEntries => _head.State?.Tail.Count ?? 0;

    /// <summary>Entries made durable since load.</summary>
    public long EntriesPersisted { get; private set; }

    private static string ChunkName(int n) => $"raftkv.log.{n}";

    /// <summary>
    /// Runs a storage call on the thread pool instead of the grain's turn. Some ADO.NET providers
    /// (Microsoft.Data.Sqlite) do their I/O, fsync included, synchronously inside the "async" call:
    /// on the grain scheduler that blocks the replica (and, on 2 cores, the whole silo) for the
    /// length of a disk flush — measured: 4.5 s turns and spurious elections under load. Awaiting
    /// it from the pump keeps Raft state changes serialized all the same.
    /// </summary>
    private static Task OffScheduler(Func<Task> call) => Task.Run(call);

    /// <summary>Reads the head, every sealed chunk and the snapshot.</summary>
    public async Task LoadAsync()
    {
        await OffScheduler(() => _storage.ReadStateAsync(HeadName, _grainId, _head));
        await OffScheduler(() => _storage.ReadStateAsync(SnapshotName, _grainId, _snapshot));
        // A row that does not exist yet reads as a null state: start empty.
        var head = _head.State ??= new ReplicaHeadState();
        _snapshot.State ??= new StateMachineSnapshotState();
        // The commit index is persisted lazily (see SaveAsync); what was applied was committed.
        if (_snapshot.State.AppliedIndex > head.Commit) head.Commit = _snapshot.State.AppliedIndex;
        var entries = new List<Entry>();
        for (var n = 0; n < head.SealedChunks; n++)
        {
            var chunk = new GrainState<LogChunkState>(new LogChunkState());
            await OffScheduler(() => _storage.ReadStateAsync(ChunkName(n), _grainId, chunk));
            if (chunk.State is null || chunk.State.Entries.Count != _chunkEntries)
            {
                throw new InvalidOperationException($"Log chunk {n} of {_grainId} holds {chunk.State?.Entries.Count ?? 0} entries, expected {_chunkEntries}: storage is corrupt or LogChunkEntries changed.");
            }
            entries.AddRange(chunk.State.Entries.Select(e => e.ToEntry()));
        }
        entries.AddRange(head.Tail.Select(e => e.ToEntry()));
        Memory = new MemoryRaftLogStorage(new HardState(head.Term, head.Vote, head.Commit), entries);
    }

    /// <summary>
    /// Makes a ready batch's hard state and entries durable, normally in one write of the head row,
    /// then updates <see cref="Memory"/> (which therefore only ever holds durable data). A batch that
    /// only advances the commit index writes nothing: the index rides along with the next write.
    /// </summary>
    public async Task SaveAsync(HardState? hardState, IReadOnlyList<Entry> entries)
    {
        var head = _head.State ??= new ReplicaHeadState();
        var hs = hardState ?? Memory.HardState;
        if (entries.Count == 0 && hs.Term == head.Term && hs.Vote == head.Vote)
        {
            // Only the commit index moved. It is volatile state in Raft (paper Figure 2): a restarted
            // replica learns it again from the leader. Keep it for the next write instead of paying a
            // disk flush for it alone; that write comes with the next entries or vote.
            head.Commit = hs.Commit;
            Memory.SetHardState(hs);
            return;
        }
        head.Term = hs.Term;
        head.Vote = hs.Vote;
        head.Commit = hs.Commit;
        if (entries.Count > 0)
        {
            // Truncate a conflicting suffix of the tail, then append.
            var first = entries[0].Index;
            var keep = head.Tail.FindIndex(e => e.Index >= first);
            if (keep >= 0) head.Tail.RemoveRange(keep, head.Tail.Count - keep);
            foreach (var e in entries) head.Tail.Add(e.ToData());
        }

        await SealCommittedChunksAsync(head);
        await OffScheduler(() => _storage.WriteStateAsync(HeadName, _grainId, _head));
        Writes++;
        // Entries first: the new commit index may cover entries of this very batch.
        if (entries.Count > 0) Memory.Append(entries);
        if (hardState is { } h) Memory.SetHardState(h);
        EntriesPersisted += entries.Count;
    }

    private async Task SealCommittedChunksAsync(ReplicaHeadState head)
    {
        while (head.Tail.Count >= _chunkEntries && head.Tail[_chunkEntries - 1].Index <= head.Commit)
        {
            var chunk = new GrainState<LogChunkState>(new LogChunkState { Entries = head.Tail.GetRange(0, _chunkEntries) });
            // A chunk row may exist from a crash between this write and the head write: overwrite it.
            var existing = new GrainState<LogChunkState>(new LogChunkState());
            await OffScheduler(() => _storage.ReadStateAsync(ChunkName(head.SealedChunks), _grainId, existing));
            chunk.ETag = existing.ETag;
            await OffScheduler(() => _storage.WriteStateAsync(ChunkName(head.SealedChunks), _grainId, chunk));
            Writes++;
            head.Tail.RemoveRange(0, _chunkEntries);
            head.SealedChunks++;
        }
    }

    /// <summary>Saves a state machine snapshot taken at <paramref name="appliedIndex"/>.</summary>
    public async Task SaveSnapshotAsync(long appliedIndex, byte[] data)
    {
        _snapshot.State = new StateMachineSnapshotState { AppliedIndex = appliedIndex, Data = data };
        await OffScheduler(() => _storage.WriteStateAsync(SnapshotName, _grainId, _snapshot));
        Writes++;
    }
}
