using System.Globalization;
using RaftOrleans.Testing.Cluster;
using Xunit;

namespace RaftOrleans.Grains.Tests;

/// <summary>
/// Membership changes on real Orleans silos (issue #13): a 3-replica group grows onto spare silos, survives the loss of
/// what was a majority of its first members, shrinks back, replaces a dead member, and a leader removes itself; every
/// acknowledged write is still read back.
/// </summary>
public sealed class MembershipTests
{
    private static string Key(int i) => "key-" + i.ToString(CultureInfo.InvariantCulture);

    private static async Task PutAllAsync(RaftTestCluster cluster, int from, int to)
    {
        for (var i = from; i < to; i++)
        {
            var r = await cluster.Store.PutAsync(Key(i), "v" + i);
            Assert.True(r.IsOk, $"put {Key(i)}: {r.Status} {r.Message}\n{await cluster.DescribeAsync()}");
        }
    }

    private static async Task ReadAllAsync(RaftTestCluster cluster, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var r = await cluster.Store.GetAsync(Key(i));
            Assert.True(r.Value == "v" + i, $"get {Key(i)}: {r.Status} {r.Value} {r.Message}\n{await cluster.DescribeAsync()}");
        }
    }

    private static async Task<IReadOnlyList<MemberInfo>> MembersAsync(RaftTestCluster cluster)
    {
        var (members, from) = await cluster.Store.MembersAsync();
        Assert.NotNull(from);
        return members;
    }

    private static void Ok(KvResponse response, string what) => Assert.True(response.IsOk, $"{what}: {response.Status} {response.Message}");

    [Fact]
    public async Task A_group_grows_onto_spare_silos_survives_losing_its_first_majority_and_shrinks_back()
    {
        await using var cluster = await RaftTestCluster.StartAsync(new RaftTestClusterOptions { SpareSilos = 2 });
        await cluster.WaitForLeaderAsync();
        await PutAllAsync(cluster, 0, 30);

        Ok(await cluster.Store.AddMemberAsync("silo4"), "add silo4");
        Ok(await cluster.Store.AddMemberAsync("silo5"), "add silo5");
        var grown = await MembersAsync(cluster);
        Assert.Equal([1, 2, 3, 4, 5], grown.Select(m => m.Replica));
        Assert.All(grown, m => Assert.True(m.IsVoter));
        Assert.Equal("silo5", grown.Single(m => m.Replica == 5).Silo);
        await PutAllAsync(cluster, 30, 40);

        // Two of the three first members down: 3, 4 and 5 are a majority of five.
        await cluster.KillReplicaSiloAsync(1);
        await cluster.KillReplicaSiloAsync(2);
        await PutAllAsync(cluster, 40, 50);
        await ReadAllAsync(cluster, 50);
        await cluster.RestartReplicaSiloAsync(1);
        await cluster.RestartReplicaSiloAsync(2);

        Ok(await cluster.Store.RemoveMemberAsync(5), "remove 5");
        Ok(await cluster.Store.RemoveMemberAsync(4), "remove 4");
        Assert.Equal([1, 2, 3], (await MembersAsync(cluster)).Select(m => m.Replica));
        await PutAllAsync(cluster, 50, 60);
        await ReadAllAsync(cluster, 60);

        // Idempotent: removing a replica that is not a member answers Ok (a retried remove after a lost answer).
        Ok(await cluster.Store.RemoveMemberAsync(5), "remove 5 again");
        var bad = await cluster.Store.PromoteMemberAsync(7);
        Assert.Equal(KvStatusCode.BadInput, bad.Status);
        Assert.Contains("not a member", bad.Message);
    }

    [Fact]
    public async Task A_dead_member_is_replaced_by_a_spare_and_a_leader_can_remove_itself()
    {
        await using var cluster = await RaftTestCluster.StartAsync(new RaftTestClusterOptions { SpareSilos = 1 });
        var leader = await cluster.WaitForLeaderAsync();
        await PutAllAsync(cluster, 0, 20);

        // A follower's silo dies for good: add the spare (it catches up), then remove the dead member.
        var dead = new[] { 1, 2, 3 }.First(r => r != leader.Replica);
        await cluster.KillReplicaSiloAsync(dead);
        Ok(await cluster.Store.AddMemberAsync("silo4"), "add silo4");
        Ok(await cluster.Store.RemoveMemberAsync(dead), $"remove dead {dead}");
        var members = await MembersAsync(cluster);
        Assert.Equal(new[] { 1, 2, 3, 4 }.Where(r => r != dead), members.Select(m => m.Replica));

        // The leader removes itself: it hands over, and the two others carry on (they are all there is now).
        var current = await cluster.WaitForLeaderAsync();
        Ok(await cluster.Store.RemoveMemberAsync(current.Replica), $"remove leader {current.Replica}");
        await PutAllAsync(cluster, 20, 30);
        await ReadAllAsync(cluster, 30);
        var after = await MembersAsync(cluster);
        Assert.Equal(2, after.Count);
        Assert.DoesNotContain(after, m => m.Replica == current.Replica);

        var status = await cluster.Store.StatusAsync();
        Assert.DoesNotContain(status.Replicas, r => r.Replica == current.Replica || r.Replica == dead);
    }

    [Fact]
    public async Task A_replica_back_on_a_blank_disk_is_ignored_until_it_is_removed_and_added_back()
    {
        await using var cluster = await RaftTestCluster.StartAsync();
        var leader = await cluster.WaitForLeaderAsync();
        await PutAllAsync(cluster, 0, 20);
        var wiped = new[] { 1, 2, 3 }.First(r => r != leader.Replica);
        var recorded = (await MembersAsync(cluster)).Single(m => m.Replica == wiped).Incarnation;

        // A replaced disk: the silo comes back under its old name with empty storage.
        await cluster.WipeReplicaStorageAsync(wiped);
        await PutAllAsync(cluster, 20, 30);
        var blank = (await cluster.Store.StatusAsync()).Replicas.Single(r => r.Replica == wiped);
        Assert.True(blank.Commit == 0 && blank.Applied == 0, $"the blank replica was caught up under its old identity: {blank}");

        Ok(await cluster.Store.RemoveMemberAsync(wiped), $"remove wiped {wiped}");
        Ok(await cluster.Store.AddMemberAsync(cluster.SiloName(wiped)), $"add {wiped} back");
        var member = (await MembersAsync(cluster)).Single(m => m.Replica == wiped);
        Assert.True(member.IsVoter);
        Assert.NotEqual(0, member.Incarnation);
        Assert.NotEqual(recorded, member.Incarnation); // the new storage's incarnation is the one recorded now
        await PutAllAsync(cluster, 30, 40);
        await cluster.WaitUntilAsync(async () =>
        {
            var status = await cluster.Store.StatusAsync();
            var current = status.Replicas.Single(r => r.Role == "Leader");
            return status.Replicas.Single(r => r.Replica == wiped).Applied == current.Commit;
        }, TimeSpan.FromSeconds(60), $"replica {wiped} caught up after being added back");
        await ReadAllAsync(cluster, 40);
    }

    [Fact]
    public async Task Leadership_moves_to_the_named_voter_and_a_learner_is_refused()
    {
        await using var cluster = await RaftTestCluster.StartAsync(new RaftTestClusterOptions { SpareSilos = 1 });
        var leader = await cluster.WaitForLeaderAsync();
        var target = new[] { 1, 2, 3 }.First(r => r != leader.Replica);
        Ok(await cluster.Store.MoveLeaderAsync(target), $"move leader to {target}");
        Assert.Equal(target, (await cluster.WaitForLeaderAsync()).Replica);

        Ok(await cluster.Store.AddMemberAsync("silo4", learner: true), "add learner silo4");
        Assert.False((await MembersAsync(cluster)).Single(m => m.Replica == 4).IsVoter);
        var refused = await cluster.Store.MoveLeaderAsync(4);
        Assert.Equal(KvStatusCode.BadInput, refused.Status);
        var unknown = await cluster.Store.AddMemberAsync("elsewhere");
        Assert.Equal(KvStatusCode.BadInput, unknown.Status);
        Assert.Contains("hosts no replica", unknown.Message);
    }
}
