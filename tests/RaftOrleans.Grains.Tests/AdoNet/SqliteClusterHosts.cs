using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using RaftOrleans.Grains.AdoNet;

namespace RaftOrleans.Grains.Tests.AdoNet;

/// <summary>
/// In-process silo and client hosts of one cluster whose membership and reminders live in one SQLite
/// file, each silo with its own storage file, on loopback ports.
/// </summary>
internal sealed class SqliteClusterHosts(TempDatabaseDirectory directory) : IAsyncDisposable
{
    public const string StorageProvider = "raft";
    private const string ClusterId = "raft-sqlite-test";

    private readonly List<IHost> _hosts = [];

    public string ClusterPath => directory.PathOf("cluster/cluster.db");

    public string StoragePath(int silo) => directory.PathOf($"silo{silo}/raft.db");

    /// <summary>Starts silos <c>silo0</c> .. <c>silo{count-1}</c> at the same time.</summary>
    public async Task<IReadOnlyList<IHost>> StartSilosAsync(int count)
    {
        var ports = FreePorts.Take(2 * count);
        var silos = Enumerable.Range(0, count).Select(i => new HostBuilder()
            .UseOrleans(silo => silo
                .Configure<ClusterOptions>(options => (options.ClusterId, options.ServiceId) = (ClusterId, ClusterId))
                .Configure<SiloOptions>(options => options.SiloName = $"silo{i}")
                .Configure<ReminderOptions>(options => options.MinimumReminderPeriod = TimeSpan.FromSeconds(1))
                .ConfigureEndpoints(IPAddress.Loopback, ports[2 * i], ports[2 * i + 1])
                .UseRaftSqliteClustering(ClusterPath)
                .UseRaftSqliteReminders(ClusterPath)
                .AddRaftSqliteGrainStorage(StorageProvider, StoragePath(i)))
            .Build()).ToList();
        _hosts.AddRange(silos);
        await Task.WhenAll(silos.Select(silo => silo.StartAsync()));
        return silos;
    }

    /// <summary>Starts a client that finds the silos through the cluster file only.</summary>
    public async Task<IClusterClient> StartClientAsync()
    {
        var client = new HostBuilder()
            .UseOrleansClient(builder => builder
                .Configure<ClusterOptions>(options => (options.ClusterId, options.ServiceId) = (ClusterId, ClusterId))
                .UseRaftSqliteClustering(ClusterPath))
            .Build();
        _hosts.Add(client);
        await client.StartAsync();
        return client.Services.GetRequiredService<IClusterClient>();
    }

    public async ValueTask DisposeAsync()
    {
        // Clients first, then silos: a silo stopping under a connected client only slows the test down.
        for (var i = _hosts.Count - 1; i >= 0; i--)
        {
            await _hosts[i].StopAsync();
            _hosts[i].Dispose();
        }
    }
}
