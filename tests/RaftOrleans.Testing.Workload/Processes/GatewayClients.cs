using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using RaftOrleans.Grains;

namespace RaftOrleans.Testing.Workload.Processes;

/// <summary>
/// One Orleans client per silo gateway, each pinned to that gateway alone (static clustering), so a
/// caller chooses which silo its request enters through: a request through a paused or dead silo
/// times out on its own client and the next one goes elsewhere, and a read can be sent through one
/// particular silo (the one just resumed, for example).
/// </summary>
public sealed class GatewayClients : IAsyncDisposable
{
    private readonly List<IHost> _hosts;
    private readonly List<RaftKeyValueStore> _stores;
    private int _next;

    private GatewayClients(List<IHost> hosts)
    {
        _hosts = hosts;
        _stores = [.. hosts.Select(h => h.Services.GetRequiredService<IClusterClient>().GetRaftKeyValueStore())];
    }

    /// <summary>Clients, in the order of the gateways given.</summary>
    public int Count => _stores.Count;

    /// <summary>The store reached through gateway <paramref name="index"/> (0-based).</summary>
    public RaftKeyValueStore Store(int index) => _stores[index];

    /// <summary>The stores in turn, one per call: what a client with several gateways does.</summary>
    public RaftKeyValueStore Next() => _stores[(int)((uint)Interlocked.Increment(ref _next) % (uint)_stores.Count)];

    /// <summary>
    /// Connects one client to each of <paramref name="gateways"/> (loopback ports), retrying until
    /// <paramref name="connectTimeout"/>. <paramref name="responseTimeout"/> bounds every call, so a
    /// request through a paused silo fails instead of waiting Orleans' 30 s default.
    /// </summary>
    public static async Task<GatewayClients> ConnectAsync(
        IReadOnlyList<int> gateways, string clusterId, string serviceId, TimeSpan responseTimeout, TimeSpan connectTimeout)
    {
        var hosts = new List<IHost>();
        try
        {
            foreach (var port in gateways)
            {
                hosts.Add(await ConnectOneAsync(port, clusterId, serviceId, responseTimeout, connectTimeout));
            }
            return new GatewayClients(hosts);
        }
        catch
        {
            foreach (var host in hosts) host.Dispose();
            throw;
        }
    }

    private static async Task<IHost> ConnectOneAsync(int port, string clusterId, string serviceId, TimeSpan responseTimeout, TimeSpan connectTimeout)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.ClearProviders();
        var deadline = DateTime.UtcNow + connectTimeout;
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = clusterId;
                o.ServiceId = serviceId;
            });
            client.UseStaticClustering(new IPEndPoint(IPAddress.Loopback, port));
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = responseTimeout);
            client.UseConnectionRetryFilter(async (_, token) =>
            {
                if (DateTime.UtcNow >= deadline) return false;
                // A pause between connection attempts while the silo starts (not synchronisation).
                await Task.Delay(TimeSpan.FromMilliseconds(250), token);
                return true;
            });
        });
        var host = builder.Build();
        try
        {
            await host.StartAsync();
        }
        catch
        {
            host.Dispose();
            throw;
        }
        return host;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            try
            {
                await host.StopAsync(stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or OrleansException)
            {
                // Leaving is best effort: silos drop a vanished client on their own.
            }
            host.Dispose();
        }
    }
}
