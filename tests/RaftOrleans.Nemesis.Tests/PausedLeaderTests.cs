using RaftOrleans.Grains;
using RaftOrleans.KeyValue;
using RaftOrleans.Testing.Cluster;
using Xunit;

namespace RaftOrleans.Nemesis.Tests;

/// <summary>
/// A long stop-the-world pause of the leader (a GC pause, a stalled VM). The design is clock-free:
/// a paused leader has no way to know time passed, so it must never answer a read from its own
/// state without first confirming, through a majority, that it still leads.
/// </summary>
public sealed class PausedLeaderTests
{
    [Fact]
    public async Task A_leader_paused_past_its_election_timeout_serves_no_stale_read_and_commits_nothing_when_it_wakes()
    {
        await using var cluster = await RaftTestCluster.StartAsync();
        var old = await cluster.WaitForLeaderAsync();
        Assert.Equal(KvStatusCode.Ok, (await cluster.Store.PutAsync("x", "before")).Status);

        // Pause the leader, and cut it off so that when it wakes it hears nothing that would tell
        // it it was deposed: only a leadership check through a majority can stop a stale answer.
        Assert.True(cluster.Hook.Pause(old.Replica));
        var cut = cluster.Network.Isolate(old.Replica, cluster.ReplicaCount);
        var current = await cluster.WaitForLeaderAsync(excluding: old.Replica);
        Assert.True(current.Term > old.Term);
        Assert.Equal(KvStatusCode.Ok, (await cluster.Store.PutAsync("x", "after")).Status);

        // The old leader still believes it leads: the dangerous state this test is about.
        var oldGrain = cluster.Replica(old.Replica);
        var asleep = await oldGrain.GetStatus();
        Assert.Equal(("Leader", old.Term), (asleep.Role, asleep.Term));

        // Requests reach it while it sleeps (clients still can) and queue up.
        var read = oldGrain.Read("x");
        var write = oldGrain.Propose(KvCommandCodec.Encode(new KvCommand { Op = KvOp.Put, Key = "x", Value = "stale-leader" }));
        Assert.False(read.IsCompleted);
        Assert.False(write.IsCompleted);

        Assert.True(cluster.Hook.Resume(old.Replica));
        var readReply = await read.WaitAsync(TimeSpan.FromSeconds(30));
        var writeReply = await write.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(readReply.NotLeader, $"the woken old leader answered a read: {readReply.Response?.Status} \"{readReply.Response?.Value}\"");
        Assert.True(writeReply.NotLeader, $"the woken old leader answered a write: {writeReply.Response?.Status}");

        cluster.Network.Remove(cut);
        await cluster.WaitUntilAsync(async () =>
        {
            var statuses = await cluster.ReplicaStatusesAsync(TimeSpan.FromSeconds(2));
            var leader = statuses.Single(s => s.Replica == current.Replica);
            var back = statuses.Single(s => s.Replica == old.Replica);
            return leader.Role == "Leader" && back.Leader == current.Replica && back.Applied == leader.Commit;
        }, TimeSpan.FromSeconds(30), $"old leader {old.Replica} follows {current.Replica} again");
        Assert.Equal("after", (await cluster.Store.GetAsync("x")).Value);
        Assert.Equal("after", (await oldGrain.ReadStale("x")).Value);
        Assert.Empty(cluster.Ledger.Conflicts);
    }
}
