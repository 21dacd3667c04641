using RaftOrleans.Testing.Cluster;
using Xunit;

namespace RaftOrleans.Grains.Tests;

/// <summary>Leader election on a real in-process Orleans cluster.</summary>
public sealed class ElectionTests
{
    [Fact]
    public async Task A_leader_is_elected_and_replicas_sit_on_distinct_silos()
    {
        await using var cluster = await RaftTestCluster.StartAsync();
        var leader = await cluster.WaitForLeaderAsync();

        var status = await cluster.StatusAsync();
        Assert.Equal(cluster.ReplicaCount, status.Replicas.Count);
        Assert.Equal(["silo1", "silo2", "silo3"], status.Replicas.Select(r => r.Silo).ToArray());
        Assert.All(status.Replicas, r => Assert.Equal(leader.Term, r.Term));
    }

    /// <summary>
    /// Ancestor bug 1 ("unstable initial election"): with no faults, once a leader is elected the
    /// term never changes again and there is never a second leader.
    /// </summary>
    [Fact]
    public async Task AncestorBug_StableInitialElection_term_never_changes_without_faults()
    {
        await using var cluster = await RaftTestCluster.StartAsync();
        var leader = await cluster.WaitForLeaderAsync();

        // Observe for 40 election timeouts' worth of heartbeats (0.5–1 s each at the defaults).
        var observed = 0;
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(8);
        while (DateTime.UtcNow < until)
        {
            var status = await cluster.StatusAsync();
            foreach (var r in status.Replicas)
            {
                Assert.True(r.Term == leader.Term && r.Leader == leader.Replica,
                    $"replica {r.Replica} left term {leader.Term} / leader {leader.Replica}:\n{await cluster.DescribeAsync()}");
            }
            Assert.Single(status.Replicas, r => r.Role == "Leader");
            await cluster.Store.PutAsync("tick", observed.ToString(System.Globalization.CultureInfo.InvariantCulture));
            observed++;
        }
        Assert.True(observed > 10, $"only {observed} observations in 8 s");
    }
}
