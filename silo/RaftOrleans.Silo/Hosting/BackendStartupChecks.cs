using Microsoft.Extensions.Configuration;
using RaftOrleans.Grains.AdoNet;
using RaftOrleans.Grains.Hosting;
using RaftOrleans.Grains.Topology;

namespace RaftOrleans.Silo.Hosting;

/// <summary>
/// The checks of the configured backends and replica layout, run by <c>run</c> before Orleans starts.
/// </summary>
public static class BackendStartupChecks
{
    /// <summary>Validates backends, the silo name and the replica count; throws <see cref="StartupException"/>.</summary>
    public static async Task RunAsync(IConfiguration configuration, SiloHostOptions options)
    {
        var clustering = SiloHostFactory.ReadBackend(configuration, BackendSettings.ClusteringSectionName);
        var storage = SiloHostFactory.ReadBackend(configuration, BackendSettings.StorageSectionName);
        if (clustering.Provider == BackendProvider.Postgres)
        {
            var parts = SqliteSchemaParts.Clustering | SqliteSchemaParts.Reminders;
            await PostgreSqlStartupChecks.VerifyAsync("clustering database", clustering.ConnectionString!, parts);
            await PostgreSqlStartupChecks.EnsureSiloNameFreeAsync(clustering.ConnectionString!, options.ClusterId, options.Name, options.AdvertisedAddress, options.SiloPort);
        }
        if (storage.Provider == BackendProvider.Postgres)
        {
            await PostgreSqlStartupChecks.VerifyAsync("storage database", storage.ConnectionString!, SqliteSchemaParts.Storage);
        }
        CheckReplicaLayout(configuration, options);
    }

    /// <summary>
    /// Replicas live on the silos the configured topology names (<see cref="ConfiguredReplicaTopology"/>):
    /// a replica count below 1 is an error; a silo named by the rule beyond the replica count is a spare (a
    /// membership change can add its replica; said on stderr); a silo whose name does not follow the rule
    /// hosts no replica (it still runs grains and gateways, so this is a warning on stderr): usually a typo,
    /// or fewer named silos than the replica count needs.
    /// </summary>
    public static void CheckReplicaLayout(IConfiguration configuration, SiloHostOptions options)
    {
        var raft = new RaftKeyValueOptions();
        configuration.GetSection(RaftKeyValueOptions.SectionName).Bind(raft);
        if (raft.ReplicaCount < 1)
        {
            throw new StartupException(SiloExitCodes.BadConfiguration, $"RaftKeyValue:ReplicaCount {raft.ReplicaCount} must be at least 1");
        }
        // Runs before Orleans starts, so there is no container to ask: the same topology a silo builds.
        var topology = new ConfiguredReplicaTopology(raft);
        var hosts = topology.Silos;
        if (!hosts.Contains(options.Name) && topology.ReplicaIdOf(options.Name) is { } spare)
        {
            Console.Error.WriteLine(
                $"raftkv-silo: silo '{options.Name}' is a spare: it hosts replica {spare} once `raftkv member add {options.Name}` adds it to the group");
        }
        else if (!hosts.Contains(options.Name))
        {
            Console.Error.WriteLine(
                $"raftkv-silo: warning: silo '{options.Name}' hosts no replica: with RaftKeyValue:ReplicaCount {raft.ReplicaCount} the replicas live on "
                + $"{string.Join(", ", hosts)}; name the silos that way or change the replica count");
        }
    }
}
