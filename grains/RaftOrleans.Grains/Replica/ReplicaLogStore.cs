using System.Globalization;
using Orleans.Runtime;
using Orleans.Storage;
using RaftOrleans.Consensus;
using RaftOrleans.Grains.AdoNet;
using RaftOrleans.KeyValue;

namespace RaftOrleans.Grains.Replica;

/// <summary>
/// Durable Raft storage for one replica on a named Orleans <see cref="IGrainStorage"/>, with the
/// in-memory twin the consensus core reads from. Rows (state names are globally unique):
/// <list type="bullet">
/// <item><c>raftkv.head</c>: hard state, compaction point + unsealed log tail, rewritten once per ready batch;</item>
/// <item><c>raftkv.log.{n}</c>: sealed chunks of committed entries (variable size), written once each,
/// deleted once a durable snapshot covers them;</item>
/// <item>the state machine snapshot rows of <see cref="ReplicaSnapshotStore"/>.</item>
/// </list>
/// Only committed entries are sealed, and committed entries are never truncated, so a conflict
/// repair only ever rewrites the head row. A chunk is written before the head that stops holding
/// its entries, so a crash between the two writes loses nothing. A compaction writes the head (with
/// the new compaction point) before deleting the chunks it no longer names. An ETag mismatch means a
/// second activation of this replica exists: the store throws and the replica must stop (fail-stop).
/// Activation reads the head, the snapshot rows and only the chunks after the compaction point.
/// </summary>
internal sealed class ReplicaLogStore
{
    private const string HeadName = "raftkv.head";
    private readonly ReplicaRows _rows;
    private readonly int _chunkEntries;
    private readonly IReadOnlyList<int> _voters;
    private readonly int _maxSessions;
    private readonly int _historyEvents;
    private ReplicaHeadState _head = new();
    private Task _chunkDeletes = Task.CompletedTask;

    /// <param name="storage">The provider holding this replica's rows.</param>
    /// <param name="grainId">The replica's id (the rows' key).</param>
    /// <param name="chunkEntries">Committed head-row entries that make it seal a chunk.</param>
    /// <param name="snapshotPartBytes">Bound on a snapshot row's size.</param>
    /// <param name="voters">The group's voters (the configuration recorded with a compaction point).</param>
    /// <param name="maxSessions">Session limit of a state machine created from nothing.</param>
    /// <param name="writeGate">The provider's write gate (<see cref="SqliteWriteGate.For"/>), if it has one.</param>
    /// <param name="historyEvents">Recent key changes the loaded state machine keeps (<see cref="KeyValueStateMachine.HistoryEvents"/>).</param>
    public ReplicaLogStore(IGrainStorage storage, GrainId grainId, int chunkEntries, int snapshotPartBytes = 1 << 20, IReadOnlyList<int>? voters = null, int maxSessions = 10_000, SqliteWriteGate? writeGate = null, int historyEvents = KeyValueStateMachine.DefaultHistoryEvents)
    {
        _historyEvents = historyEvents;
        _rows = new ReplicaRows(storage, grainId, writeGate);
        _chunkEntries = chunkEntries;
        _voters = voters ?? [];
        _maxSessions = maxSessions;
        Snapshots = new ReplicaSnapshotStore(_rows, snapshotPartBytes);
    }

    /// <summary>What is durable, as the consensus core reads it.</summary>
    public MemoryRaftLogStorage Memory { get; private set; } = new();

    /// <summary>The state machine snapshot rows.</summary>
    public ReplicaSnapshotStore Snapshots { get; }

    /// <summary>This storage's incarnation, known after <see cref="LoadAsync"/> (and durable by then).</summary>
    public long Incarnation => _head.Incarnation;

    /// <summary>The state machine rebuilt from the durable snapshot by <see cref="LoadAsync"/> (the
    /// driver then applies the committed log entries after it).</summary>
    public KeyValueStateMachine LoadedStateMachine { get; private set; } = new();

    /// <summary>Applied index the durable snapshot reaches (0 = none).</summary>
    public long DurableSnapshotIndex => Snapshots.Manifest.AppliedIndex;

    /// <summary>Storage writes performed (rows written or deleted).</summary>
    public long Writes => _rows.Writes;

    /// <summary>Storage reads performed (tests prove activation reads only snapshot + tail).</summary>
    public long Reads => _rows.Reads;

    /// <summary>Rows deleted (compacted chunks, merged snapshot rows).</summary>
    public long Deletes => _rows.Deletes;

    /// <summary>Entries in the unsealed tail of the head row.</summary>
    public int TailEntries => _head.Tail.Count;

    /// <summary>Entries made durable since load.</summary>
    public long EntriesPersisted { get; private set; }

    /// <summary>Sealed chunk rows the log still names.</summary>
    public int LiveChunks => _head.SealedChunks - _head.FirstChunk;

    /// <summary>The background deletion of compacted chunks (tests wait for it).</summary>
    public Task ChunkDeletes => _chunkDeletes;

    internal static string ChunkName(int n) => string.Create(CultureInfo.InvariantCulture, $"raftkv.log.{n}");

    /// <summary>Reads the head, the snapshot rows and the chunks after the compaction point.</summary>
    public async Task LoadAsync()
    {
        var head = await _rows.ReadAsync<ReplicaHeadState>(HeadName) ?? new ReplicaHeadState();
        _head = head;
        // Blank storage (or a row from before incarnations) gets its incarnation now, durably, before the
        // replica can send anything: a replica on a replaced disk must never speak under the old one.
        head.Incarnation = StorageIncarnation.Resolve(head.Incarnation, Random.Shared, out var mustPersist);
        if (mustPersist) await _rows.WriteAsync(HeadName, head);
        LoadedStateMachine = await Snapshots.LoadAsync(_maxSessions, _historyEvents);
        // The commit index is persisted lazily (see SaveAsync); what was applied was committed.
        var applied = LoadedStateMachine.AppliedIndex;
        if (applied > head.Commit) head.Commit = applied;

        // A head row from before compaction existed names every chunk from 0 without their bounds:
        // read them all once (as that version did) and learn the bounds for the next compaction.
        var legacy = head.ChunkLastIndex.Count != head.SealedChunks - head.FirstChunk;
        if (legacy) head.ChunkLastIndex = [];
        var entries = new List<Entry>();
        var expected = head.CompactIndex + 1;
        for (var n = head.FirstChunk; n < head.SealedChunks; n++)
        {
            var chunk = await _rows.ReadAsync<LogChunkState>(ChunkName(n));
            // Chunks vary in size (a seal takes every committed tail entry); they must continue the log.
            // The first live chunk may start at or below the compaction point (it straddles it).
            if (chunk is not { Entries.Count: > 0 } state
                || (entries.Count == 0 ? state.Entries[0].Index > expected || state.Entries[^1].Index < expected : state.Entries[0].Index != expected))
            {
                throw new InvalidOperationException($"Log chunk {n} is missing or does not continue the log at index {expected}: storage is corrupt.");
            }
            if (legacy) head.ChunkLastIndex.Add(state.Entries[^1].Index);
            foreach (var e in state.Entries)
            {
                if (e.Index >= expected) entries.Add(e.ToEntry());
            }
            expected = state.Entries[^1].Index + 1;
        }
        foreach (var e in head.Tail)
        {
            if (e.Index > head.CompactIndex) entries.Add(e.ToEntry());
        }
        var point = new SnapshotMetadata(head.CompactIndex, head.CompactTerm, _voters)
        {
            Incarnations = head.CompactIncarnations.Count == _voters.Count ? head.CompactIncarnations.ToArray() : [],
            Configuration = head.CompactConfiguration is { Length: > 0 } c ? ConfigurationCodec.DecodeConfiguration(c) : null,
        };
        Memory = new MemoryRaftLogStorage(new HardState(head.Term, head.Vote, head.Commit), point, entries);

        // Chunks a crash left between deletion and the head write that stopped naming them.
        if (head.ClearedChunksBelow < head.FirstChunk) DeleteCompactedChunks();
    }

    /// <summary>
    /// Makes a ready batch's hard state and entries durable, normally in one write of the head row,
    /// then updates <see cref="Memory"/> (which therefore only ever holds durable data). A batch that
    /// only advances the commit index writes nothing: the index rides along with the next write.
    /// </summary>
    public async Task SaveAsync(HardState? hardState, IReadOnlyList<Entry> entries)
    {
        var head = _head;
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
        await _rows.WriteAsync(HeadName, head);
        // Entries first: the new commit index may cover entries of this very batch.
        if (entries.Count > 0) Memory.Append(entries);
        if (hardState is { } h) Memory.SetHardState(h);
        EntriesPersisted += entries.Count;
    }

    /// <summary>
    /// Once at least <c>chunkEntries</c> tail entries are committed, moves all committed tail entries
    /// into one new chunk row. The head row is rewritten on every batch, so its size is the cost of
    /// every write: sealing early keeps it near <c>chunkEntries</c> plus what is uncommitted.
    /// </summary>
    private async Task SealCommittedChunksAsync(ReplicaHeadState head)
    {
        var committed = head.Tail.FindLastIndex(e => e.Index <= head.Commit) + 1; // the tail is in index order
        if (committed >= _chunkEntries)
        {
            var chunk = new LogChunkState { Entries = head.Tail.GetRange(0, committed) };
            // A chunk row may exist from a crash between this write and the head write: the row
            // helper reads its ETag first and overwrites it.
            await _rows.WriteAsync(ChunkName(head.SealedChunks), chunk);
            head.Tail.RemoveRange(0, committed);
            head.SealedChunks++;
            head.ChunkLastIndex.Add(chunk.Entries[^1].Index);
        }
    }

    /// <summary>
    /// The configuration governing at <paramref name="index"/> (the voters' incarnations, and the whole configuration
    /// entry's payload): the last configuration entry at or below it still in the log, else the one recorded at the
    /// current compaction point.
    /// </summary>
    private (List<long> Incarnations, byte[] Configuration) ConfigurationAt(long index)
    {
        for (var i = index; i >= Memory.FirstIndex(); i--)
        {
            var entry = Memory.Entries(i, i + 1, long.MaxValue)[0];
            if (entry.Type != EntryType.Config) continue;
            var (ids, incarnations) = ConfigurationCodec.Decode(entry.Data);
            return (_voters.Select(v => Array.IndexOf(ids, v) is var at and >= 0 ? incarnations[at] : 0L).ToList(), entry.Data);
        }
        return (_head.CompactIncarnations, _head.CompactConfiguration);
    }

    /// <summary>
    /// Compacts the log to <paramref name="index"/> (from <see cref="CompactionPolicy"/>: covered by
    /// the durable snapshot and applied): the head row records the new compaction point and stops
    /// naming the chunks wholly at or below it, then those chunk rows are deleted in the background.
    /// </summary>
    public async Task CompactAsync(long index)
    {
        if (index <= _head.CompactIndex) return;
        if (index > DurableSnapshotIndex)
        {
            throw new InvalidOperationException($"Cannot compact to {index}: the durable snapshot only reaches {DurableSnapshotIndex}.");
        }
        var term = Memory.Term(index);
        var head = _head;
        (head.CompactIncarnations, head.CompactConfiguration) = ConfigurationAt(index);
        head.CompactIndex = index;
        head.CompactTerm = term;
        head.Commit = Math.Max(head.Commit, Memory.HardState.Commit);
        var drop = 0;
        while (drop < head.ChunkLastIndex.Count && head.ChunkLastIndex[drop] <= index) drop++;
        head.ChunkLastIndex.RemoveRange(0, drop);
        head.FirstChunk += drop;
        head.Tail.RemoveAll(e => e.Index <= index);
        await _rows.WriteAsync(HeadName, head);
        Memory.Compact(index);
        if (drop > 0) DeleteCompactedChunks();
    }

    /// <summary>
    /// Installs a snapshot received from the leader (Ready.Snapshot), durably, before the batch's
    /// messages are sent: the state machine is restored from the image and written as a new base
    /// generation (O(state), once per install), the manifest moves to the snapshot's index, the log
    /// starts after it (keeping the entries that follow it if the log's entry there has its term),
    /// and the chunk rows it covers are deleted. Also seeds a fresh data directory from a backup.
    /// Waits for a snapshot write still in flight (<paramref name="inFlight"/>) first: one writer of
    /// the manifest at a time.
    /// </summary>
    /// <returns>The restored state machine, at the snapshot's index.</returns>
    public async Task<KeyValueStateMachine> InstallSnapshotAsync(SnapshotImage image, Task? inFlight = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        var machine = KeyValueStateMachine.Restore(image.Data.ToArray());
        await InstallSnapshotAsync(image, machine, inFlight);
        return machine;
    }

    /// <summary>
    /// <see cref="InstallSnapshotAsync(SnapshotImage, Task?)"/> for a state machine the caller already
    /// restored from <paramref name="image"/> (the replica's apply-and-answer code restores it itself).
    /// </summary>
    public async Task InstallSnapshotAsync(SnapshotImage image, KeyValueStateMachine machine, Task? inFlight = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(machine);
        if (machine.AppliedIndex != image.Metadata.Index)
        {
            throw new InvalidDataException($"The snapshot image is at index {machine.AppliedIndex}, its metadata says {image.Metadata.Index}.");
        }
        if (inFlight is not null) await inFlight;
        await Snapshots.WriteBaseAsync(machine, image.Metadata.Term);

        Memory.ApplySnapshot(image.Metadata);
        var head = _head;
        head.CompactIndex = image.Metadata.Index;
        head.CompactTerm = image.Metadata.Term;
        head.CompactIncarnations = [.. image.Metadata.Incarnations];
        head.CompactConfiguration = image.Metadata.Configuration is { } configuration ? ConfigurationCodec.Encode(configuration) : [];
        head.Commit = Math.Max(head.Commit, Memory.HardState.Commit);
        if (head.Term < image.Metadata.Term)
        {
            // Only when seeding a fresh replica from a backup: a follower's term is at least its
            // leader's. A term is never below the last entry's term; a new term has no vote.
            head.Term = image.Metadata.Term;
            head.Vote = 0;
        }
        // What the log keeps after the snapshot (possibly nothing) goes to the head row; every chunk
        // becomes garbage. The kept suffix is short: a follower needs a snapshot because it is behind.
        head.Tail = [.. Memory.LastIndex() >= Memory.FirstIndex()
            ? Memory.Entries(Memory.FirstIndex(), Memory.LastIndex() + 1, long.MaxValue).Select(e => e.ToData())
            : []];
        head.FirstChunk = head.SealedChunks;
        head.ChunkLastIndex = [];
        await _rows.WriteAsync(HeadName, head);
        Memory.SetHardState(new HardState(head.Term, head.Vote, head.Commit));
        DeleteCompactedChunks();
        await Snapshots.CollectGarbageAsync();
    }

    /// <summary>Rethrows the failure of a background chunk deletion (the replica must fail-stop).</summary>
    public void ThrowIfBackgroundFailed()
    {
        if (_chunkDeletes.IsFaulted) _chunkDeletes.GetAwaiter().GetResult();
    }

    /// <summary>Deletes the chunk rows below the first live chunk, one background job at a time.</summary>
    private void DeleteCompactedChunks()
    {
        _chunkDeletes = DeleteChunksAfter(_chunkDeletes);
    }

    private async Task DeleteChunksAfter(Task previous)
    {
        await previous;
        var upTo = _head.FirstChunk;
        for (var n = _head.ClearedChunksBelow; n < upTo; n++)
        {
            await _rows.DeleteAsync<LogChunkState>(ChunkName(n));
        }
        // Rides on the next head write; until then a restart deletes the (already missing) rows again.
        if (_head.ClearedChunksBelow < upTo) _head.ClearedChunksBelow = upTo;
    }
}
