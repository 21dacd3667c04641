using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Runtime.GrainDirectory;
using RaftOrleans.Grains.Diagnostics;
using RaftOrleans.Grains.Placement;
using RaftOrleans.Grains.Topology;

namespace RaftOrleans.Grains.Hosting;

/// <summary>Adds the Raft key-value store to an Orleans silo.</summary>
public static class RaftKeyValueHostingExtensions
{
    /// <summary>
    /// Registers the replica and gateway grains, the replica topology (<see cref="IReplicaTopology"/>,
    /// by default <see cref="CommittedReplicaTopology"/> over these options; one registered before is
    /// kept), replica placement, the startup activation of this silo's replicas, metrics, and the
    /// options validator. Idempotent. It also installs the silo's grain-directory cache
    /// (<see cref="ReplicaAddressCache"/>, an LRU cache for every other grain), which replaces any
    /// <see cref="IGrainDirectoryCache"/> registered before. The host still chooses the
    /// clustering, the grain storage provider named <see cref="RaftKeyValueOptions.StorageProviderName"/>
    /// and (recommended) a reminder service, and must name each silo as the topology's
    /// <see cref="IReplicaTopology.Silos"/> are named (by default <c>{SiloNamePrefix}{i}</c>).
    /// </summary>
    public static ISiloBuilder AddRaftKeyValue(this ISiloBuilder builder, Action<RaftKeyValueOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        if (configure is not null) services.Configure(configure);
        if (services.Any(d => d.ServiceType == typeof(RaftKeyValueMarker))) return builder;
        services.AddSingleton<RaftKeyValueMarker>();

        services.AddOptions<RaftKeyValueOptions>();
        services.AddSingleton<IConfigurationValidator, RaftKeyValueOptionsValidator>();
        services.AddMetrics();
        services.TryAddSingleton<RaftMetrics>();
        services.TryAddSingleton(sp => new CommittedReplicaTopology(new ConfiguredReplicaTopology(sp.GetRequiredService<IOptions<RaftKeyValueOptions>>().Value)));
        services.TryAddSingleton<IReplicaTopology>(sp => sp.GetRequiredService<CommittedReplicaTopology>());
        services.TryAddSingleton<Gateway.SilentReplicas>();
        services.AddPlacementDirector<ReplicaPlacementStrategy, ReplicaPlacementDirector>();
        // Replica addresses are computed, never looked up in the directory (see ReplicaAddressCache).
        services.Configure<GrainDirectoryOptions>(o => o.CachingStrategy = GrainDirectoryOptions.CachingStrategyType.Custom);
        services.AddSingleton<IGrainDirectoryCache>(sp => new ReplicaAddressCache(
            sp, sp.GetRequiredService<IOptions<GrainDirectoryOptions>>().Value, sp.GetRequiredService<IReplicaTopology>()));
        builder.AddStartupTask<ReplicaWakeStartupTask>();
        return builder;
    }

    /// <summary>Marks that <see cref="AddRaftKeyValue"/> already ran.</summary>
    private sealed class RaftKeyValueMarker;
}
