using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Runtime;
using RaftOrleans.Grains.Health;
using RaftOrleans.Grains.Topology;
using RaftOrleans.Testing.Cluster;
using Xunit;

namespace RaftOrleans.Grains.Tests.Health;

/// <summary>
/// The readiness and liveness checks on test silos: every member ready on a healthy group, a spare ready with no
/// member to wait for, a follower cut off from its leader while writes commit not ready (it falls behind, then
/// knows no leader), and ready again once the network heals.
/// </summary>
public sealed class ReplicaReadinessCheckTests
{
    private static ReplicaReadinessCheck ReadinessOf(RaftTestCluster cluster, int silo, long maxApplyLag = 1_000)
    {
        var services = cluster.SiloServices(silo);
        return new ReplicaReadinessCheck(services.GetRequiredService<IGrainFactory>(), services.GetRequiredService<IReplicaTopology>(), services.GetRequiredService<ILocalSiloDetails>())
        {
            MaxApplyLag = maxApplyLag,
        };
    }

    private static Task<HealthCheckResult> CheckAsync(IHealthCheck check) => check.CheckHealthAsync(new HealthCheckContext());

    [Fact]
    public async Task Members_are_ready_a_spare_is_ready_and_a_cut_off_follower_is_not_until_the_network_heals()
    {
        await using var cluster = await RaftTestCluster.StartAsync(new RaftTestClusterOptions { SpareSilos = 1 });
        var leader = await cluster.WaitForLeaderAsync();
        for (int i = 0; i < 5; i++) Assert.True((await cluster.Store.PutAsync("k" + i.ToString(CultureInfo.InvariantCulture), "v")).IsOk);

        foreach (int silo in new[] { 1, 2, 3 })
        {
            HealthCheckResult ready = default;
            await cluster.WaitUntilAsync(async () => (ready = await CheckAsync(ReadinessOf(cluster, silo))).Status == HealthStatus.Healthy,
                TimeSpan.FromSeconds(30), $"silo{silo} ready");
            Assert.Equal($"1 replica(s) on silo{silo} follow a leader and are caught up", ready.Description);
            Assert.Matches("^(Leader|Follower) term=[0-9]+ leader=[1-3] commit=[0-9]+ applied=[0-9]+$", (string)ready.Data[$"default/{silo}"]);
        }
        var spare = await CheckAsync(ReadinessOf(cluster, 4));
        Assert.Equal((HealthStatus.Healthy, "silo4 hosts no member replica (a spare)"), (spare.Status, spare.Description));

        int follower = new[] { 1, 2, 3 }.First(r => r != leader.Replica);
        var cut = cluster.Network.Isolate(follower, cluster.ReplicaCount);
        for (int i = 0; i < 20; i++) Assert.True((await cluster.Store.PutAsync("after" + i.ToString(CultureInfo.InvariantCulture), "v")).IsOk);
        HealthCheckResult behind = default;
        await cluster.WaitUntilAsync(async () => (behind = await CheckAsync(ReadinessOf(cluster, follower, maxApplyLag: 5))).Status == HealthStatus.Unhealthy,
            TimeSpan.FromSeconds(30), $"silo{follower} not ready while cut off");
        Assert.StartsWith($"default/{follower}: ", behind.Description);
        Assert.True(behind.Description!.Contains("entries behind", StringComparison.Ordinal) || behind.Description.Contains("knows no leader", StringComparison.Ordinal),
            behind.Description);

        cluster.Network.Remove(cut);
        await cluster.WaitUntilAsync(async () => (await CheckAsync(ReadinessOf(cluster, follower, maxApplyLag: 5))).Status == HealthStatus.Healthy,
            TimeSpan.FromSeconds(30), $"silo{follower} ready again once healed");

        var services = cluster.SiloServices(follower);
        var live = await CheckAsync(new SiloLivenessCheck(services.GetRequiredService<IClusterMembershipService>(), services.GetRequiredService<ILocalSiloDetails>()));
        Assert.Equal((HealthStatus.Healthy, $"silo{follower} is Active"), (live.Status, live.Description));
    }
}
