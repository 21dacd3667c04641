using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Storage;
using RaftOrleans.Consensus;
using RaftOrleans.Grains.Placement;
using RaftOrleans.Grains.Replica;
using RaftOrleans.KeyValue;
using RaftOrleans.Testing.Cluster;
using Xunit;

namespace RaftOrleans.Grains.Tests;

/// <summary>A cluster whose replicas' rows were written before snapshots existed keeps its data and keeps working.</summary>
public sealed class SnapshotUpgradeTests
{
    private const string Group = "old";

    private static byte[] Put(string key, string value) => KvCommandCodec.Encode(new KvCommand { Op = KvOp.Put, Key = key, Value = value });

    [Fact]
    public async Task Replicas_activate_on_rows_of_the_old_shapes_serve_their_data_and_compact_later()
    {
        // The old history: a no-op, then puts of k0..k9 (three rounds); committed through 31 on every
        // replica, the old one-row snapshot at 21, chunks 0..2 named from 0 without bounds.
        var entries = new List<Entry> { new(1, 1, EntryType.Noop, []) };
        for (var i = 2; i <= 31; i++) entries.Add(new Entry(1, i, EntryType.Normal, Put("k" + (i % 10), "old" + i)));
        var snapshot = new KeyValueStateMachine();
        snapshot.ApplyNoop(1);
        for (var i = 2; i <= 21; i++) snapshot.Apply(i, entries[i - 1].Data);

        string dataDirectory, serviceId;
        await using (var first = await RaftTestCluster.StartAsync())
        {
            dataDirectory = first.DataDirectory;
            serviceId = first.ServiceId;
            for (var replica = 1; replica <= first.ReplicaCount; replica++)
            {
                var storage = first.SiloServices(replica).GetRequiredKeyedService<IGrainStorage>(RaftTestCluster.SqliteStorageProvider);
                var id = GrainId.Create(ReplicaAddressCache.ReplicaGrainTypeName, new ReplicaKey(Group, replica).ToString());
                for (var n = 0; n < 3; n++)
                {
                    var chunk = new LogChunkState { Entries = entries.GetRange(n * 10, 10).Select(e => e.ToData()).ToList() };
                    await storage.WriteStateAsync(ReplicaLogStore.ChunkName(n), id, new GrainState<LogChunkState>(chunk));
                }
                var head = new ReplicaHeadState { Term = 1, Vote = 1, Commit = 31, SealedChunks = 3, Tail = [entries[30].ToData()] };
                await storage.WriteStateAsync("raftkv.head", id, new GrainState<ReplicaHeadState>(head));
                var legacy = new StateMachineSnapshotState { AppliedIndex = 21, Data = snapshot.Snapshot() };
                await storage.WriteStateAsync(ReplicaSnapshotStore.LegacyName, id, new GrainState<StateMachineSnapshotState>(legacy));
            }
        }

        var options = new RaftTestClusterOptions
        {
            DataDirectory = dataDirectory,
            ServiceId = serviceId,
            ConfigureRaft = o =>
            {
                o.Groups = ["default", Group];
                o.SnapshotEveryEntries = 100;
                o.TrailingEntries = 10;
            },
        };
        await using var cluster = await RaftTestCluster.StartAsync(options);
        var store = cluster.Client.GetRaftKeyValueStore(Group);
        for (var k = 0; k < 10; k++)
        {
            var last = Enumerable.Range(2, 30).Last(i => i % 10 == k);
            var got = await store.GetAsync("k" + k);
            Assert.True(got.Status == KvStatusCode.Ok && got.Value == "old" + last, $"k{k}: {got.Status} '{got.Value}', expected 'old{last}'");
        }

        // It keeps working: 300 more writes take snapshots on top of the old row and compact the old chunks.
        for (var i = 0; i < 300; i++) Assert.Equal(KvStatusCode.Ok, (await store.PutAsync("n" + (i % 20), "new" + i)).Status);
        // Where the deltas land is not fixed: a delta starts only once the previous write (and the
        // merge it may run) is durable, so a slow merge moves every later snapshot up. Keep writing
        // other keys until every replica holds a snapshot at or above 300 and compacted past 200.
        var status = default(GroupStatus);
        var extra = 0;
        try
        {
            await cluster.WaitUntilAsync(async () =>
            {
                status = await store.StatusAsync();
                var leader = status.Replicas.SingleOrDefault(r => r.Role == "Leader");
                if (leader is not null && status.Replicas.All(r => r.Applied == leader.Commit && r.FirstIndex > 200 && r.SnapshotIndex >= 300)) return true;
                for (var j = 0; j < 10; j++, extra++) Assert.Equal(KvStatusCode.Ok, (await store.PutAsync("m" + (extra % 20), "more" + extra)).Status);
                return false;
            }, TimeSpan.FromSeconds(60), "every old replica applied the new writes, snapshotted and compacted");
        }
        catch (TimeoutException ex)
        {
            // The cluster description names the default group only: say where the upgraded group stood.
            throw new TimeoutException(ex.Message + $"\nGroup 'old' after {extra} extra writes: " + string.Join("; ", (status?.Replicas ?? []).Select(r =>
                $"replica {r.Replica} {r.Role} term={r.Term} commit={r.Commit} applied={r.Applied} first={r.FirstIndex} snapshot={r.SnapshotIndex} configured={r.Configured}")), ex);
        }
        Assert.Equal("new299", (await store.GetAsync("n19")).Value);
        Assert.Equal("old29", (await store.GetAsync("k9")).Value);
    }
}
