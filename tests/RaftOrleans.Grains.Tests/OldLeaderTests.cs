using RaftOrleans.Testing.Cluster;
using RaftOrleans.KeyValue;
using Xunit;

namespace RaftOrleans.Grains.Tests;

/// <summary>Ancestor bug 2 ("bullying") on a real cluster, with partitions made by a grain call filter.</summary>
public sealed class OldLeaderTests
{
    [Fact]
    public async Task AncestorBug_ReturningOldLeaderDoesNotBully_and_its_uncommitted_entries_are_overwritten()
    {
        await using var cluster = await RaftTestCluster.StartAsync();
        var old = await cluster.WaitForLeaderAsync();
        Assert.Equal(KvStatusCode.Ok, (await cluster.Store.PutAsync("before", "1")).Status);

        // Cut the leader off from its peers, then hand it a write it can never commit.
        cluster.Network.Isolate(old.Replica, cluster.ReplicaCount);
        var oldGrain = cluster.Client.GetGrain<IRaftReplicaGrain>($"default/{old.Replica}");
        var orphan = KvCommandCodec.Encode(new KvCommand { Op = KvOp.Put, Key = "orphan", Value = "lost" });
        var orphanReply = oldGrain.Propose(orphan);

        // The majority elects a new leader and commits a write.
        var current = await cluster.WaitForLeaderAsync(excluding: old.Replica);
        Assert.True(current.Term > old.Term);
        Assert.Equal(KvStatusCode.Ok, (await cluster.Store.PutAsync("after", "2")).Status);

        // The orphaned proposal never reports success: the old leader steps down (CheckQuorum) and fails it.
        var reply = await orphanReply.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(reply.NotLeader, $"orphan proposal answered {reply.Response?.Status}");
        var isolated = (await oldGrain.GetStatus());
        Assert.NotEqual("Leader", isolated.Role);

        cluster.Network.Heal();

        // The old replica accepts the current leader's log; the current leader keeps its term.
        await cluster.WaitUntilAsync(async () =>
        {
            var status = await cluster.StatusAsync();
            var leader = status.Replicas.Single(r => r.Replica == current.Replica);
            var back = status.Replicas.Single(r => r.Replica == old.Replica);
            return leader.Role == "Leader" && back.Leader == current.Replica && back.Applied == leader.Commit && back.LastIndex == leader.LastIndex;
        }, TimeSpan.FromSeconds(30), $"old leader {old.Replica} follows {current.Replica} with the same log");

        var final = await cluster.StatusAsync();
        Assert.All(final.Replicas, r => Assert.Equal(current.Term, r.Term));
        Assert.Equal(current.Replica, final.Replicas.Single(r => r.Role == "Leader").Replica);

        Assert.Equal(KvStatusCode.NotFound, (await cluster.Store.GetAsync("orphan")).Status);
        Assert.Equal(KvStatusCode.NotFound, (await oldGrain.ReadStale("orphan")).Status);
        Assert.Equal("2", (await oldGrain.ReadStale("after")).Value);
    }
}
