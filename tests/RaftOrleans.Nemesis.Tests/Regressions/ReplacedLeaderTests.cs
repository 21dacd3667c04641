using System.Globalization;
using RaftOrleans.Grains;
using RaftOrleans.Testing.Cluster;
using Xunit;
using Xunit.Abstractions;

namespace RaftOrleans.Nemesis.Tests.Regressions;

/// <summary>
/// Found by the nemesis's <c>wipe(follower)</c> fault (campaign seed 5003, 5 replicas): once a replica has been
/// replaced (wiped, removed, added back under a new incarnation) and leads, a replica that catches up through the log
/// replays the older configuration entries, which record the leader under its lost incarnation, and from then on drops
/// every message of its own leader as "another incarnation of a voter". It never gets past the entries it received
/// before that configuration came into force, so a new learner is never promoted while that leader leads.
/// </summary>
public sealed class ReplacedLeaderTests(ITestOutputHelper output)
{
    private static string Key(int i) => "key-" + i.ToString(CultureInfo.InvariantCulture);

    // Failed before the fix (measured 2026-12-04): the replaced replica b stayed at commit 512, dropping every message of
    // leader a ("dropped N messages in all from another incarnation of a voter ... Recorded incarnations: a=<a's lost
    // incarnation>"), and promote answered "learner b has entries up to 512" until the deadline. Fixed in the core:
    // a leader's appends are taken from any incarnation (RaftNode.Incarnations.cs).
    [Fact]
    public async Task A_replica_replaced_after_another_was_replaced_catches_up_while_the_first_leads()
    {
        await using var cluster = await RaftTestCluster.StartAsync();
        var leader = (await cluster.WaitForLeaderAsync()).Replica;
        // More entries than one append batch (512) before the replacement's configuration entries, so a replica filled
        // from index 1 holds only older configurations after its first batch (the campaign's leader log started at 1).
        await Task.WhenAll(Enumerable.Range(0, 10).Select(async c =>
        {
            for (var i = 0; i < 70; i++) Ok(await cluster.Store.PutAsync(Key(c), "v" + i), "put");
        }));

        // Replace replica a (a follower): wiped, removed, added back and promoted under a new incarnation; then it leads.
        var a = new[] { 1, 2, 3 }.First(r => r != leader);
        await ReplaceAsync(cluster, a);
        Ok(await cluster.Store.MoveLeaderAsync(a), $"move leader to {a}");
        Assert.Equal(a, (await cluster.WaitForLeaderAsync()).Replica);

        // Replace replica b the same way while a leads: b's new log starts at index 1, whose configuration records a's
        // lost incarnation.
        var b = new[] { 1, 2, 3 }.First(r => r != a);
        await ReplaceAsync(cluster, b);
        await cluster.WaitUntilAsync(async () =>
        {
            var status = await cluster.Store.StatusAsync();
            var current = status.Replicas.Single(r => r.Role == "Leader");
            return status.Replicas.Single(r => r.Replica == b).Applied == current.Commit;
        }, TimeSpan.FromSeconds(30), $"replica {b} caught up after being replaced while {a} leads");
    }

    private async Task ReplaceAsync(RaftTestCluster cluster, int replica)
    {
        await cluster.WipeReplicaStorageAsync(replica);
        Ok(await cluster.Store.RemoveMemberAsync(replica), $"remove {replica}");
        Ok(await cluster.Store.AddMemberAsync(cluster.SiloName(replica), learner: true), $"add {replica} as a learner");
        await cluster.WaitUntilAsync(async () => (await cluster.Store.PromoteMemberAsync(replica)).IsOk,
            TimeSpan.FromSeconds(30), $"promote {replica} (it answers \"learner behind\" until the learner has caught up)");
        output.WriteLine($"replaced replica {replica}");
    }

    private static void Ok(KvResponse response, string what) => Assert.True(response.IsOk, $"{what}: {response.Status} {response.Message}");
}
