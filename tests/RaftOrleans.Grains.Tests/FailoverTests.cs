using System.Globalization;
using RaftOrleans.Testing.Cluster;
using Xunit;

namespace RaftOrleans.Grains.Tests;

/// <summary>Silo loss and return: the cluster keeps serving and loses nothing acknowledged.</summary>
public sealed class FailoverTests
{
    private static string Key(int i) => "key-" + i.ToString(CultureInfo.InvariantCulture);

    [Fact]
    public async Task Killing_the_leaders_silo_keeps_every_acknowledged_write_and_the_restarted_replica_catches_up()
    {
        await using var cluster = await RaftTestCluster.StartAsync();
        var leader = await cluster.WaitForLeaderAsync();
        var store = cluster.Store;
        for (var i = 0; i < 20; i++) Assert.Equal(KvStatusCode.Ok, (await store.PutAsync(Key(i), "v" + i)).Status);

        await cluster.KillReplicaSiloAsync(leader.Replica);

        // Writes succeed again (the gateway retries until a new leader answers).
        var resumed = await store.PutAsync("after-kill", "yes");
        Assert.True(resumed.Status == KvStatusCode.Ok, $"write after kill: {resumed.Status} {resumed.Message}\n{await cluster.DescribeAsync()}");
        var newLeader = await cluster.WaitForLeaderAsync(excluding: leader.Replica);
        Assert.True(newLeader.Term > leader.Term);

        for (var i = 0; i < 20; i++) Assert.Equal("v" + i, (await store.GetAsync(Key(i))).Value);

        await cluster.RestartReplicaSiloAsync(leader.Replica);
        await cluster.WaitUntilAsync(async () =>
        {
            var status = await cluster.StatusAsync();
            var current = status.Replicas.Single(r => r.Role == "Leader");
            var returned = status.Replicas.Single(r => r.Replica == leader.Replica);
            return returned.Applied == current.Commit && returned.Term == current.Term && returned.Role == "Follower";
        }, TimeSpan.FromSeconds(60), $"restarted replica {leader.Replica} caught up with the leader");
    }

    [Fact]
    public async Task Killing_each_follower_silo_in_turn_keeps_writes_flowing()
    {
        await using var cluster = await RaftTestCluster.StartAsync();
        var leader = await cluster.WaitForLeaderAsync();
        var store = cluster.Store;
        var written = 0;
        foreach (var follower in Enumerable.Range(1, cluster.ReplicaCount).Where(r => r != leader.Replica))
        {
            await cluster.KillReplicaSiloAsync(follower);
            for (var i = 0; i < 5; i++, written++)
            {
                var r = await store.PutAsync(Key(written), "v" + written);
                Assert.True(r.Status == KvStatusCode.Ok, $"write with replica {follower} down: {r.Status} {r.Message}\n{await cluster.DescribeAsync()}");
            }
            await cluster.RestartReplicaSiloAsync(follower);
            await cluster.WaitUntilAsync(async () =>
            {
                var status = await cluster.StatusAsync();
                var current = status.Replicas.Single(r => r.Role == "Leader");
                return status.Replicas.Single(r => r.Replica == follower).Applied == current.Commit;
            }, TimeSpan.FromSeconds(60), $"replica {follower} caught up");
        }
        for (var i = 0; i < written; i++) Assert.Equal("v" + i, (await store.GetAsync(Key(i))).Value);
    }

    [Fact]
    public async Task Stopping_every_silo_and_starting_again_on_the_same_files_loses_nothing()
    {
        string dataDirectory;
        string serviceId;
        var acknowledged = new Dictionary<string, string>();
        await using (var cluster = await RaftTestCluster.StartAsync())
        {
            dataDirectory = cluster.DataDirectory;
            serviceId = cluster.ServiceId;
            await cluster.WaitForLeaderAsync();
            for (var i = 0; i < 30; i++)
            {
                if ((await cluster.Store.PutAsync(Key(i), "v" + i)).Status == KvStatusCode.Ok) acknowledged[Key(i)] = "v" + i;
            }
            Assert.Equal(KvStatusCode.Ok, (await cluster.Store.DeleteAsync(Key(0))).Status);
            acknowledged.Remove(Key(0));
            await cluster.ShutdownAsync();
        }

        await using var restarted = await RaftTestCluster.StartAsync(dataDirectory, serviceId);
        await restarted.WaitForLeaderAsync();
        Assert.Equal(KvStatusCode.NotFound, (await restarted.Store.GetAsync(Key(0))).Status);
        foreach (var (key, value) in acknowledged) Assert.Equal(value, (await restarted.Store.GetAsync(key)).Value);
    }
}
