using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Runtime;

namespace RaftOrleans.Grains.Health;

/// <summary>
/// Liveness of the silo process: healthy while it answers and Orleans membership has not marked it as stopping or
/// dead. Deliberately nothing more: a stalled disk, a lost quorum or a catch-up make a silo not ready
/// (<see cref="ReplicaReadinessCheck"/>), never "restart me", because restarting a replica for the stalls the
/// cluster tolerates only costs it its warm state (docs/deployment.md).
/// </summary>
public sealed class SiloLivenessCheck(IClusterMembershipService membership, ILocalSiloDetails silo) : IHealthCheck
{
    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = membership.CurrentSnapshot.GetSiloStatus(silo.SiloAddress);
        var data = new Dictionary<string, object> { ["silo"] = silo.Name, ["status"] = status.ToString() };
        var result = status is SiloStatus.ShuttingDown or SiloStatus.Stopping or SiloStatus.Dead
            ? HealthCheckResult.Unhealthy($"{silo.Name} is {status} in the cluster membership", data: data)
            : HealthCheckResult.Healthy($"{silo.Name} is {status}", data);
        return Task.FromResult(result);
    }
}
