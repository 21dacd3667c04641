using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Runtime;
using RaftOrleans.Grains.Topology;

namespace RaftOrleans.Grains.Health;

/// <summary>
/// Registers the RaftOrleans health checks on a silo's <see cref="IHealthChecksBuilder"/>: <c>raftkv-silo</c> for
/// liveness (tag <see cref="LiveTag"/>) and <c>raftkv-replicas</c> for readiness (tag <see cref="ReadyTag"/>). An
/// ASP.NET Core app hosting the silo maps them as it likes, for example
/// <c>app.MapHealthChecks("/readyz", new() { Predicate = c =&gt; c.Tags.Contains(RaftKeyValueHealthChecks.ReadyTag) })</c>;
/// <c>raftkv-silo run --health-port</c> serves <c>/livez</c>, <c>/readyz</c> and <c>/health</c> with them.
/// </summary>
public static class RaftKeyValueHealthChecks
{
    /// <summary>Tag of the liveness checks.</summary>
    public const string LiveTag = "live";

    /// <summary>Tag of the readiness checks.</summary>
    public const string ReadyTag = "ready";

    /// <summary>Adds the liveness and readiness checks (the silo must also call <c>AddRaftKeyValue</c>).</summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="maxApplyLag">Most entries a replica may be behind its leader's commit index and be ready.</param>
    public static IHealthChecksBuilder AddRaftKeyValueChecks(this IHealthChecksBuilder builder, long maxApplyLag = 1_000)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentOutOfRangeException.ThrowIfNegative(maxApplyLag);
        builder.Add(new HealthCheckRegistration("raftkv-silo",
            sp => new SiloLivenessCheck(sp.GetRequiredService<IClusterMembershipService>(), sp.GetRequiredService<ILocalSiloDetails>()),
            HealthStatus.Unhealthy, [LiveTag]));
        builder.Add(new HealthCheckRegistration("raftkv-replicas",
            sp => new ReplicaReadinessCheck(sp.GetRequiredService<IGrainFactory>(), sp.GetRequiredService<IReplicaTopology>(), sp.GetRequiredService<ILocalSiloDetails>())
            {
                MaxApplyLag = maxApplyLag,
            },
            HealthStatus.Unhealthy, [ReadyTag]));
        return builder;
    }
}
