using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Storage;
using RaftOrleans.Consensus;
using RaftOrleans.Grains.Replica;
using RaftOrleans.Testing.Cluster;
using Xunit;

namespace RaftOrleans.Grains.Tests;

/// <summary>How replicas use grain storage: group commit and fail-stop on a second writer.</summary>
public sealed class StorageTests
{
    [Fact]
    public async Task Concurrent_writes_share_storage_writes_group_commit()
    {
        await using var cluster = await RaftTestCluster.StartAsync();
        var leader = await cluster.WaitForLeaderAsync();
        var before = (await cluster.StatusAsync()).Replicas.Single(r => r.Replica == leader.Replica);

        const int writes = 200;
        var results = await Task.WhenAll(Enumerable.Range(0, writes)
            .Select(i => cluster.Store.PutAsync("k" + i.ToString(CultureInfo.InvariantCulture), "v")));
        var failed = results.Count(r => r.Status != KvStatusCode.Ok);
        Assert.True(failed == 0, $"{failed} of {writes} puts failed, first: {results.FirstOrDefault(r => r.Status != KvStatusCode.Ok)?.Message}\n{await cluster.DescribeAsync()}");

        var after = (await cluster.StatusAsync()).Replicas.Single(r => r.Replica == leader.Replica);
        var storageWrites = after.StorageWrites - before.StorageWrites;
        var entries = after.EntriesPersisted - before.EntriesPersisted;
        Assert.True(entries >= writes, $"leader persisted {entries} entries for {writes} writes");
        // One write per ready batch, and concurrent proposals share batches.
        Assert.True(storageWrites < writes, $"{storageWrites} storage writes for {writes} concurrent puts: no group commit");
    }

    [Fact]
    public async Task A_second_writer_of_a_replicas_storage_is_detected_by_etag()
    {
        await using var cluster = await RaftTestCluster.StartAsync();
        var storage = cluster.Cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>("raft");
        var grainId = GrainId.Create("test-replica", "etag/1");
        var first = new ReplicaLogStore(storage, grainId, chunkEntries: 4);
        var second = new ReplicaLogStore(storage, grainId, chunkEntries: 4);
        await first.LoadAsync();
        await second.LoadAsync();

        await second.SaveAsync(new HardState(1, 2, 0), [new Entry(1, 1, EntryType.Noop, [])]);
        await Assert.ThrowsAsync<InconsistentStateException>(() => first.SaveAsync(new HardState(1, 1, 0), []));

        // What the second writer made durable is what a fresh load sees.
        var reader = new ReplicaLogStore(storage, grainId, chunkEntries: 4);
        await reader.LoadAsync();
        Assert.Equal(new HardState(1, 2, 0), reader.Memory.HardState);
        Assert.Equal(1, reader.Memory.LastIndex());
    }

    [Fact]
    public async Task Committed_entries_are_sealed_into_chunks_and_reload_in_order()
    {
        await using var cluster = await RaftTestCluster.StartAsync();
        var storage = cluster.Cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>("raft");
        var grainId = GrainId.Create("test-replica", "chunks/1");
        var store = new ReplicaLogStore(storage, grainId, chunkEntries: 4);
        await store.LoadAsync();
        var entries = Enumerable.Range(1, 10).Select(i => new Entry(1, i, EntryType.Normal, [(byte)i])).ToList();
        await store.SaveAsync(new HardState(1, 1, 0), entries[..6]);
        await store.SaveAsync(new HardState(1, 1, 9), entries[6..]); // commit 9: chunks [1..4], [5..8] seal

        // A conflicting suffix above the commit index replaces the unsealed tail.
        await store.SaveAsync(new HardState(2, 0, 9), [new Entry(2, 10, EntryType.Normal, [42])]);

        var reader = new ReplicaLogStore(storage, grainId, chunkEntries: 4);
        await reader.LoadAsync();
        Assert.Equal(new HardState(2, 0, 9), reader.Memory.HardState);
        var loaded = reader.Memory.AllEntries();
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), loaded.Select(e => e.Index));
        Assert.Equal(2, loaded[^1].Term);
        Assert.Equal([42], loaded[^1].Data);
    }

    [Fact]
    public async Task A_batch_that_only_advances_the_commit_index_costs_no_write_and_rides_with_the_next()
    {
        await using var cluster = await RaftTestCluster.StartAsync();
        var storage = cluster.Cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>("raft");
        var grainId = GrainId.Create("test-replica", "lazy-commit/1");
        var store = new ReplicaLogStore(storage, grainId, chunkEntries: 64);
        await store.LoadAsync();
        await store.SaveAsync(new HardState(1, 1, 0), [new Entry(1, 1, EntryType.Normal, [1]), new Entry(1, 2, EntryType.Normal, [2])]);
        var writes = store.Writes;

        await store.SaveAsync(new HardState(1, 1, 2), []);
        Assert.Equal(writes, store.Writes);
        Assert.Equal(2, store.Memory.HardState.Commit);
        var reader = new ReplicaLogStore(storage, grainId, chunkEntries: 64);
        await reader.LoadAsync();
        Assert.Equal(0, reader.Memory.HardState.Commit); // not durable yet: volatile in Raft

        await store.SaveAsync(null, [new Entry(1, 3, EntryType.Normal, [3])]);
        Assert.Equal(writes + 1, store.Writes);
        var again = new ReplicaLogStore(storage, grainId, chunkEntries: 64);
        await again.LoadAsync();
        Assert.Equal(new HardState(1, 1, 2), again.Memory.HardState);
        Assert.Equal(3, again.Memory.LastIndex());
    }
}
