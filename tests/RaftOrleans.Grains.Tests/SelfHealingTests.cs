using System.Globalization;
using RaftOrleans.Testing.Cluster;
using Xunit;

namespace RaftOrleans.Grains.Tests;

/// <summary>
/// Self-healing placement on real silos (issue #13 item 5): with a spare silo running, a member whose silo stays dead
/// past the grace period is replaced by the leader alone (learner on the spare, promotion, removal of the dead one),
/// writes keep being acknowledged throughout, and the new member holds every one of them.
/// </summary>
public sealed class SelfHealingTests
{
    private static string Key(int i) => "key-" + i.ToString(CultureInfo.InvariantCulture);

    [Fact]
    public async Task A_member_dead_past_the_grace_period_is_replaced_on_the_spare_silo_without_losing_a_write()
    {
        await using var cluster = await RaftTestCluster.StartAsync(new RaftTestClusterOptions
        {
            SpareSilos = 1,
            ConfigureRaft = raft => raft.SelfHealingGracePeriod = TimeSpan.FromSeconds(2),
        });
        var leader = await cluster.WaitForLeaderAsync();
        var written = 0;
        async Task PutAsync()
        {
            var r = await cluster.Store.PutAsync(Key(written), "v" + written);
            Assert.True(r.IsOk, $"put {Key(written)}: {r.Status} {r.Message}\n{await cluster.DescribeAsync()}");
            written++;
        }
        for (var i = 0; i < 20; i++) await PutAsync();

        var dead = new[] { 1, 2, 3 }.First(r => r != leader.Replica);
        await cluster.KillReplicaSiloAsync(dead);
        var expected = new[] { 1, 2, 3, 4 }.Where(r => r != dead).ToArray();
        var smallest = int.MaxValue;
        // Writes go on while the leader replaces the dead member; every one must be acknowledged.
        await cluster.WaitUntilAsync(async () =>
        {
            await PutAsync();
            var (members, _) = await cluster.Store.MembersAsync();
            smallest = Math.Min(smallest, members.Count(m => m.IsVoter));
            return members.Select(m => m.Replica).SequenceEqual(expected) && members.All(m => m.IsVoter);
        }, TimeSpan.FromSeconds(60), $"replica {dead} replaced by replica 4: voters [{string.Join(", ", expected)}]");
        Assert.True(smallest >= 3, $"the group went down to {smallest} voters during the replace");

        for (var i = 0; i < 5; i++) await PutAsync();
        for (var i = 0; i < written; i++)
        {
            var r = await cluster.Store.GetAsync(Key(i));
            Assert.True(r.Value == "v" + i, $"get {Key(i)}: {r.Status} {r.Value} {r.Message}\n{await cluster.DescribeAsync()}");
        }
        // The replacement holds the data itself, not only the leader.
        await cluster.WaitUntilAsync(async () =>
        {
            // Asked directly: the test host's static topology knows replicas 1-3 only, and the dead one answers nothing.
            var statuses = await Task.WhenAll(expected.Select(r => cluster.Replica(r).GetStatus().WaitAsync(TimeSpan.FromSeconds(2))));
            var leaderNow = statuses.FirstOrDefault(s => s.Role == "Leader");
            var spare = statuses.Single(s => s.Replica == 4);
            return leaderNow is not null && spare.Applied == leaderNow.Commit;
        }, TimeSpan.FromSeconds(30), "replica 4 applied the leader's commit index");
        var stale = await cluster.Store.GetAsync(Key(written - 1));
        Assert.Equal("v" + (written - 1), stale.Value);
    }

    [Fact]
    public async Task Without_a_spare_a_dead_member_stays_a_member_and_the_group_keeps_serving()
    {
        await using var cluster = await RaftTestCluster.StartAsync(new RaftTestClusterOptions
        {
            ConfigureRaft = raft => raft.SelfHealingGracePeriod = TimeSpan.FromSeconds(1),
        });
        var leader = await cluster.WaitForLeaderAsync();
        var dead = new[] { 1, 2, 3 }.First(r => r != leader.Replica);
        await cluster.KillReplicaSiloAsync(dead);
        // Writes over several grace periods: each is a committed entry, so the leader had every chance to act.
        var started = DateTimeOffset.UtcNow;
        var i = 0;
        while (DateTimeOffset.UtcNow - started < TimeSpan.FromSeconds(4))
        {
            var r = await cluster.Store.PutAsync(Key(i), "v" + i);
            Assert.True(r.IsOk, $"put {Key(i)}: {r.Status} {r.Message}");
            i++;
        }
        var (members, _) = await cluster.Store.MembersAsync();
        Assert.Equal([1, 2, 3], members.Select(m => m.Replica));
    }
}
