using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Storage;
using RaftOrleans.Consensus;
using RaftOrleans.Grains.Replica;
using RaftOrleans.KeyValue;
using RaftOrleans.Testing.Cluster;
using Xunit;

namespace RaftOrleans.Grains.Tests;

/// <summary>One SQLite-backed storage provider shared by the store-level snapshot tests (each uses its own grain id).</summary>
public sealed class SnapshotStorageFixture : IAsyncLifetime
{
    /// <summary>The cluster whose first silo's SQLite provider the tests use.</summary>
    public RaftTestCluster Cluster { get; private set; } = null!;

    /// <summary>The provider.</summary>
    public IGrainStorage Storage { get; private set; } = null!;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        Cluster = await RaftTestCluster.StartAsync();
        Storage = Cluster.Cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>(RaftTestCluster.SqliteStorageProvider);
    }

    /// <inheritdoc />
    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

/// <summary>
/// ReplicaLogStore with snapshots: compaction deletes rows, activation reads only the snapshot and the
/// log tail, merges fold deltas from storage, a crash's orphan rows are harmless, old data directories load.
/// </summary>
public sealed class SnapshotStorageTests(SnapshotStorageFixture fixture) : IClassFixture<SnapshotStorageFixture>
{
    private const int PartBytes = 1024;
    private static readonly int[] Voters = [1, 2, 3];

    private IGrainStorage Storage => fixture.Storage;

    private ReplicaLogStore NewStore(GrainId id) => new(Storage, id, chunkEntries: 4, snapshotPartBytes: PartBytes, voters: Voters);

    private static byte[] Put(string key, string value) =>
        KvCommandCodec.Encode(new KvCommand { Op = KvOp.Put, Key = key, Value = value });

    private static byte[] Delete(string key) => KvCommandCodec.Encode(new KvCommand { Op = KvOp.Delete, Key = key });

    /// <summary>Appends and commits <paramref name="count"/> entries (batches of 7), applying each to <paramref name="machine"/>.</summary>
    private static async Task AppendAppliedAsync(ReplicaLogStore store, KeyValueStateMachine machine, int count, Random random)
    {
        var next = store.Memory.LastIndex() + 1;
        var end = next + count;
        while (next < end)
        {
            var batch = new List<Entry>();
            for (var i = 0; i < 7 && next < end; i++, next++)
            {
                var key = "key" + random.Next(40);
                var command = random.Next(5) == 0 ? Delete(key) : Put(key, "value" + next);
                batch.Add(new Entry(1, next, EntryType.Normal, command));
            }
            await store.SaveAsync(new HardState(1, 1, batch[^1].Index), batch);
            foreach (var e in batch) machine.Apply(e.Index, e.Data);
        }
    }

    private async Task<bool> RowExistsAsync<T>(GrainId id, string name) where T : class
    {
        var state = new GrainState<T>();
        await Storage.ReadStateAsync(name, id, state);
        return state.RecordExists;
    }

    [Fact]
    public async Task Compaction_deletes_covered_chunks_and_activation_reads_only_snapshot_and_tail()
    {
        var id = GrainId.Create("test-replica", "compact/1");
        var store = NewStore(id);
        await store.LoadAsync();
        var machine = new KeyValueStateMachine();
        var random = new Random(7);
        await AppendAppliedAsync(store, machine, 300, random);
        var chunksBefore = store.LiveChunks;
        Assert.True(chunksBefore >= 30, $"{chunksBefore} chunks sealed");

        await store.Snapshots.WriteDeltaAsync(machine.TakeChanges(PartBytes), machine.AppliedIndex, term: 1);
        Assert.Equal(300, store.DurableSnapshotIndex);
        var to = CompactionPolicy.CompactTo(store.DurableSnapshotIndex, machine.AppliedIndex, store.Memory.LastIndex(), trailingEntries: 50, store.Memory.FirstIndex());
        Assert.Equal(250, to);
        await store.CompactAsync(250);
        await store.ChunkDeletes;

        Assert.Equal(251, store.Memory.FirstIndex());
        Assert.Equal(1, store.Memory.Term(250));
        Assert.True(store.LiveChunks < 10, $"{store.LiveChunks} chunks still live");
        Assert.False(await RowExistsAsync<LogChunkState>(id, ReplicaLogStore.ChunkName(0)), "chunk 0 survived compaction");
        Assert.True(store.Deletes >= chunksBefore - store.LiveChunks, $"{store.Deletes} deletes for {chunksBefore - store.LiveChunks} compacted chunks");

        // More entries after the compaction, then a restart.
        await AppendAppliedAsync(store, machine, 20, random);
        var reader = NewStore(id);
        await reader.LoadAsync();
        var snapshotRows = reader.Snapshots.Manifest.BaseParts + reader.Snapshots.Manifest.Deltas.Count;
        // Exactly: head, manifest, the snapshot rows it names, and the live chunks; nothing compacted.
        Assert.Equal(2 + snapshotRows + reader.LiveChunks, reader.Reads);
        Assert.Equal(251, reader.Memory.FirstIndex());
        Assert.Equal(320, reader.Memory.LastIndex());
        Assert.Equal(300, reader.LoadedStateMachine.AppliedIndex);
        // The loaded snapshot plus the log after it is the live state.
        var restored = reader.LoadedStateMachine;
        foreach (var e in reader.Memory.Entries(301, 321, long.MaxValue)) restored.Apply(e.Index, e.Data);
        Assert.Equal(machine.Fingerprint(), restored.Fingerprint());
    }

    [Fact]
    public async Task Deltas_merge_into_a_new_base_read_from_storage_and_the_old_rows_are_deleted()
    {
        var id = GrainId.Create("test-replica", "merge/1");
        var store = NewStore(id);
        await store.LoadAsync();
        var machine = new KeyValueStateMachine();
        var random = new Random(11);
        var generations = new HashSet<int>();
        for (var round = 0; round < 30; round++)
        {
            await AppendAppliedAsync(store, machine, 25, random);
            var before = store.Snapshots.Manifest;
            await store.Snapshots.WriteDeltaAsync(machine.TakeChanges(PartBytes), machine.AppliedIndex, term: 1);
            generations.Add(store.Snapshots.Manifest.Generation);
            if (store.Snapshots.Manifest.Generation != before.Generation)
            {
                // The rows of the previous generation and its deltas are gone.
                foreach (var delta in before.Deltas)
                    Assert.False(await RowExistsAsync<SnapshotPartState>(id, ReplicaSnapshotStore.DeltaName(delta)), $"merged delta {delta} survived");
                if (before.Generation > 0)
                    Assert.False(await RowExistsAsync<SnapshotPartState>(id, ReplicaSnapshotStore.BaseName(before.Generation, 0)), $"generation {before.Generation} survived");
            }
            var reader = NewStore(id);
            await reader.LoadAsync();
            Assert.True(machine.Fingerprint() == reader.LoadedStateMachine.Fingerprint(), $"round {round}: the loaded snapshot differs from the live state");
        }
        Assert.True(store.Snapshots.Merges >= 3, $"{store.Snapshots.Merges} merges in 30 snapshots");
        Assert.True(store.Snapshots.Manifest.Deltas.Count <= ReplicaSnapshotStore.MaxDeltaRows);
        Assert.True(store.Snapshots.Manifest.DeltaBytes <= store.Snapshots.Manifest.BaseBytes,
            $"deltas {store.Snapshots.Manifest.DeltaBytes} bytes over a base of {store.Snapshots.Manifest.BaseBytes}");
    }

    [Fact]
    public async Task A_crash_between_a_delta_row_and_the_manifest_leaves_an_orphan_that_is_harmless()
    {
        var id = GrainId.Create("test-replica", "orphan/1");
        var store = NewStore(id);
        await store.LoadAsync();
        var machine = new KeyValueStateMachine();
        var random = new Random(3);
        await AppendAppliedAsync(store, machine, 30, random);
        await store.Snapshots.WriteDeltaAsync(machine.TakeChanges(PartBytes), machine.AppliedIndex, term: 1);
        var durable = machine.Fingerprint();

        // The crash: the next delta's row is written, the manifest is not.
        await AppendAppliedAsync(store, machine, 30, random);
        var orphanId = store.Snapshots.Manifest.NextDeltaId;
        var orphan = new GrainState<SnapshotPartState>(new SnapshotPartState { Data = machine.TakeChanges(PartBytes)[0] });
        await Storage.WriteStateAsync(ReplicaSnapshotStore.DeltaName(orphanId), id, orphan);

        var restarted = NewStore(id);
        await restarted.LoadAsync();
        Assert.Equal(30, restarted.LoadedStateMachine.AppliedIndex);
        Assert.Equal(durable, restarted.LoadedStateMachine.Fingerprint());

        // Replaying the log after the snapshot and snapshotting again overwrites the orphan's row.
        var replayed = restarted.LoadedStateMachine;
        foreach (var e in restarted.Memory.Entries(31, 61, long.MaxValue)) replayed.Apply(e.Index, e.Data);
        await restarted.Snapshots.WriteDeltaAsync(replayed.TakeChanges(PartBytes), replayed.AppliedIndex, term: 1);
        // The orphan's name was reused without an ETag conflict: now it is named by the manifest, or
        // was merged into a new base and deleted.
        var manifest = restarted.Snapshots.Manifest;
        Assert.True(manifest.Deltas.Contains(orphanId) || (manifest.Generation > 0 && !await RowExistsAsync<SnapshotPartState>(id, ReplicaSnapshotStore.DeltaName(orphanId))),
            $"orphan delta {orphanId}: manifest deltas [{string.Join(", ", manifest.Deltas)}], generation {manifest.Generation}");
        Assert.True(manifest.NextDeltaId > orphanId);
        var again = NewStore(id);
        await again.LoadAsync();
        Assert.Equal(machine.Fingerprint(), again.LoadedStateMachine.Fingerprint());
    }

    [Fact]
    public async Task Installing_a_snapshot_replaces_the_state_drops_the_covered_log_and_survives_a_restart()
    {
        var id = GrainId.Create("test-replica", "install/1");
        var store = NewStore(id);
        await store.LoadAsync();
        var mine = new KeyValueStateMachine();
        await AppendAppliedAsync(store, mine, 40, new Random(5));
        await store.Snapshots.WriteDeltaAsync(mine.TakeChanges(PartBytes), mine.AppliedIndex, term: 1);

        // The leader's state at 500, term 3 (a different history).
        var leader = new KeyValueStateMachine();
        for (var i = 1; i <= 500; i++) leader.Apply(i, Put("leader" + (i % 90), "v" + i));
        var image = new SnapshotImage(new SnapshotMetadata(500, 3, Voters), leader.Snapshot());
        var chunks = store.LiveChunks;
        await store.InstallSnapshotAsync(image);
        await store.ChunkDeletes;

        Assert.Equal(501, store.Memory.FirstIndex());
        Assert.Equal(500, store.Memory.LastIndex());
        Assert.Equal(3, store.Memory.Term(500));
        Assert.Equal(500, store.Memory.HardState.Commit);
        Assert.Equal(0, store.LiveChunks);
        Assert.True(chunks > 0 && !await RowExistsAsync<LogChunkState>(id, ReplicaLogStore.ChunkName(0)), "covered chunks were not deleted");

        // Followed by appends, then a restart: snapshot + tail.
        await store.SaveAsync(new HardState(3, 0, 502), [new Entry(3, 501, EntryType.Normal, Put("after", "1")), new Entry(3, 502, EntryType.Noop, [])]);
        var reader = NewStore(id);
        await reader.LoadAsync();
        Assert.Equal(500, reader.LoadedStateMachine.AppliedIndex);
        Assert.Equal(leader.Fingerprint(), reader.LoadedStateMachine.Fingerprint());
        Assert.Equal(501, reader.Memory.FirstIndex());
        Assert.Equal(502, reader.Memory.LastIndex());
        Assert.Equal(3, reader.Memory.Term(500));
    }

    [Fact]
    public async Task A_data_directory_from_before_snapshots_loads_and_then_snapshots_and_compacts()
    {
        var id = GrainId.Create("test-replica", "upgrade/1");
        // The old shapes: a head naming chunks from 0 without bounds, and one full-snapshot row.
        var machine = new KeyValueStateMachine();
        var entries = new List<Entry>();
        for (var i = 1; i <= 120; i++)
        {
            var e = new Entry(2, i, EntryType.Normal, Put("old" + (i % 25), "v" + i));
            entries.Add(e);
            if (i <= 100) machine.Apply(i, e.Data);
        }
        for (var n = 0; n < 10; n++)
        {
            var chunk = new GrainState<LogChunkState>(new LogChunkState { Entries = entries.GetRange(n * 10, 10).Select(e => e.ToData()).ToList() });
            await Storage.WriteStateAsync(ReplicaLogStore.ChunkName(n), id, chunk);
        }
        var head = new GrainState<ReplicaHeadState>(new ReplicaHeadState { Term = 2, Vote = 1, Commit = 110, SealedChunks = 10, Tail = entries.GetRange(100, 20).Select(e => e.ToData()).ToList() });
        await Storage.WriteStateAsync("raftkv.head", id, head);
        var legacy = new GrainState<StateMachineSnapshotState>(new StateMachineSnapshotState { AppliedIndex = 100, Data = machine.Snapshot() });
        await Storage.WriteStateAsync(ReplicaSnapshotStore.LegacyName, id, legacy);

        var store = NewStore(id);
        await store.LoadAsync();
        Assert.Equal(1, store.Memory.FirstIndex());
        Assert.Equal(120, store.Memory.LastIndex());
        Assert.Equal(new HardState(2, 1, 110), store.Memory.HardState);
        Assert.Equal(100, store.LoadedStateMachine.AppliedIndex);
        Assert.Equal(machine.Fingerprint(), store.LoadedStateMachine.Fingerprint());

        // It keeps working: apply the rest, snapshot on top of the old row, compact, merge away the old row.
        var live = store.LoadedStateMachine;
        foreach (var e in store.Memory.Entries(101, 111, long.MaxValue)) live.Apply(e.Index, e.Data);
        await store.Snapshots.WriteDeltaAsync(live.TakeChanges(PartBytes), 110, term: 2);
        await store.CompactAsync(105);
        await store.ChunkDeletes;
        Assert.Equal(106, store.Memory.FirstIndex());
        Assert.False(await RowExistsAsync<LogChunkState>(id, ReplicaLogStore.ChunkName(9)), "chunk 9 (entries 91-100) survived compaction to 105");

        var reader = NewStore(id);
        await reader.LoadAsync();
        Assert.Equal(110, reader.LoadedStateMachine.AppliedIndex);
        Assert.Equal(live.Fingerprint(), reader.LoadedStateMachine.Fingerprint());
        Assert.Equal(106, reader.Memory.FirstIndex());
        Assert.Equal(120, reader.Memory.LastIndex());
        // Activation: head, manifest, the old row as base, one delta; no chunk (all compacted, the rest
        // is in the head). Then, in the background, each of the ten compacted chunk names is checked
        // once more: that they are gone rides with the next head write, and there was none. Counted
        // after that work is done, so the count does not race it.
        await reader.ChunkDeletes;
        Assert.Equal(4 + 10, reader.Reads);
    }
}
