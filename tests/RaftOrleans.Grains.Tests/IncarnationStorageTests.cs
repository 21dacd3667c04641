using Orleans.Runtime;
using Orleans.Storage;
using RaftOrleans.Consensus;
using RaftOrleans.Grains.Replica;
using RaftOrleans.KeyValue;
using Xunit;

namespace RaftOrleans.Grains.Tests;

/// <summary>
/// Disk-loss safety in the replica's storage: the incarnation is written at the first load of blank storage (before
/// the replica can send anything), kept across restarts, new after a wipe, added to rows from before incarnations,
/// and the configuration's incarnations survive compaction in the head row.
/// </summary>
public sealed class IncarnationStorageTests(SnapshotStorageFixture fixture) : IClassFixture<SnapshotStorageFixture>
{
    private const string HeadName = "raftkv.head";
    private static readonly int[] Voters = [1, 2, 3];
    private static readonly long[] Incarnations = [101, 202, 303];

    private IGrainStorage Storage => fixture.Storage;

    private ReplicaLogStore NewStore(GrainId id) => new(Storage, id, chunkEntries: 4, snapshotPartBytes: 1024, voters: Voters);

    [Fact]
    public async Task Blank_storage_gets_an_incarnation_written_at_load_and_a_restart_keeps_it()
    {
        var id = GrainId.Create("test-replica", "incarnation/1");
        var store = NewStore(id);
        await store.LoadAsync();
        Assert.NotEqual(0, store.Incarnation);
        Assert.Equal(1, store.Writes); // durable before the replica can send anything

        var restarted = NewStore(id);
        await restarted.LoadAsync();
        Assert.Equal(store.Incarnation, restarted.Incarnation);
        Assert.Equal(0, restarted.Writes);
    }

    [Fact]
    public async Task A_wiped_storage_comes_back_with_a_new_incarnation()
    {
        var id = GrainId.Create("test-replica", "incarnation/2");
        var store = NewStore(id);
        await store.LoadAsync();
        await store.SaveAsync(new HardState(3, 1, 0), [new Entry(3, 1, EntryType.Noop, [])]);

        var head = new GrainState<ReplicaHeadState>();
        await Storage.ReadStateAsync(HeadName, id, head);
        await Storage.ClearStateAsync(HeadName, id, head); // the disk is replaced

        var blank = NewStore(id);
        await blank.LoadAsync();
        Assert.NotEqual(0, blank.Incarnation);
        Assert.NotEqual(store.Incarnation, blank.Incarnation);
        Assert.Equal(HardState.Empty, blank.Memory.HardState);
    }

    [Fact]
    public async Task A_head_row_from_before_incarnations_loads_and_gets_one()
    {
        var id = GrainId.Create("test-replica", "incarnation/3");
        var old = new GrainState<ReplicaHeadState>(new ReplicaHeadState
        {
            Term = 2, Vote = 1, Commit = 2,
            Tail = [new RaftEntryData { Term = 1, Index = 1, Type = (byte)EntryType.Noop }, new RaftEntryData { Term = 2, Index = 2, Type = (byte)EntryType.Normal, Data = [7] }],
        });
        await Storage.WriteStateAsync(HeadName, id, old);

        var store = NewStore(id);
        await store.LoadAsync();
        Assert.NotEqual(0, store.Incarnation);
        Assert.Equal(new HardState(2, 1, 2), store.Memory.HardState);
        Assert.Equal([1L, 2L], store.Memory.AllEntries().Select(e => e.Index));

        var again = NewStore(id);
        await again.LoadAsync();
        Assert.Equal(store.Incarnation, again.Incarnation);
    }

    [Fact]
    public async Task Compacting_past_the_configuration_entry_keeps_it_whole_for_the_next_load()
    {
        var id = GrainId.Create("test-replica", "incarnation/4");
        var store = NewStore(id);
        await store.LoadAsync();
        var machine = new KeyValueStateMachine();
        List<Entry> entries =
        [
            new Entry(1, 1, EntryType.Noop, []),
            new Entry(1, 2, EntryType.Config, ConfigurationCodec.Encode(WithSilos)),
        ];
        for (var i = 3; i <= 12; i++)
            entries.Add(new Entry(1, i, EntryType.Normal, KvCommandCodec.Encode(new KvCommand { Op = KvOp.Put, Key = "k" + i, Value = "v" })));
        await store.SaveAsync(new HardState(1, 1, 12), entries);
        foreach (var e in entries)
        {
            if (e.Type == EntryType.Normal) machine.Apply(e.Index, e.Data);
            else machine.ApplyNoop(e.Index);
        }
        await store.Snapshots.WriteDeltaAsync(machine.TakeChanges(1024), machine.AppliedIndex, term: 1);
        await store.CompactAsync(10);
        await store.ChunkDeletes;

        var reloaded = NewStore(id);
        await reloaded.LoadAsync();
        Assert.Equal(11, reloaded.Memory.FirstIndex());
        Assert.Equal(Incarnations, reloaded.Memory.Snapshot.Incarnations);
        Assert.Equal(WithSilos, reloaded.Memory.Snapshot.Configuration); // learners and silo names too

        // The node restarted from it still governs by that configuration.
        var node = new RaftNode(new RaftConfig { Id = 1, Peers = Voters, Incarnation = 101 }, reloaded.Memory, new Random(1), 12, snapshot: reloaded.Memory.Snapshot);
        Assert.True(node.ConfigurationCommitted);
        Assert.Equal(303, node.Incarnations![3]);
    }

    /// <summary>The voters with their incarnations and silos, and a learner on a fourth silo.</summary>
    private static GroupConfiguration WithSilos => new(
        Voters.Select((v, i) => new GroupMember(v, Incarnations[i], IsVoter: true, $"silo{v}")).Append(new GroupMember(4, 0, IsVoter: false, "silo4")));
}
