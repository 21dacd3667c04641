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
/// particular silo (the one just resumed, for example). With health checks on, <see cref="Next"/>
/// skips gateways whose last check failed, as a client with several gateways would.
/// </summary>
public sealed class GatewayClients : IAsyncDisposable
{
    private readonly List<IHost> _hosts;
    private readonly List<RaftKeyValueStore> _stores;
    private readonly bool[] _healthy;
    private readonly CancellationTokenSource _stopChecks = new();
    private Task _checks = Task.CompletedTask;
    private int _next;

    private GatewayClients(List<IHost> hosts)
    {
        _hosts = hosts;
        _stores = [.. hosts.Select(h => h.Services.GetRequiredService<IClusterClient>().GetRaftKeyValueStore())];
        _healthy = [.. hosts.Select(_ => true)];
    }

    /// <summary>Clients, in the order of the gateways given.</summary>
    public int Count => _stores.Count;

    /// <summary>The store reached through gateway <paramref name="index"/> (0-based).</summary>
    public RaftKeyValueStore Store(int index) => _stores[index];

    /// <summary>The stores in turn, one per call, skipping gateways whose last health check failed
    /// (all of them in turn when none passed).</summary>
    public RaftKeyValueStore Next()
    {
        var start = (int)((uint)Interlocked.Increment(ref _next) % (uint)_stores.Count);
        for (var i = 0; i < _stores.Count; i++)
        {
            var candidate = (start + i) % _stores.Count;
            if (Volatile.Read(ref _healthy[candidate])) return _stores[candidate];
        }
        return _stores[start];
    }

    /// <summary>True when gateway <paramref name="index"/> answered its last health check.</summary>
    public bool IsHealthy(int index) => Volatile.Read(ref _healthy[index]);

    /// <summary>
    /// Checks every gateway each <paramref name="period"/>: a <c>Status()</c> call answered within
    /// <paramref name="timeout"/> (the gateway bounds each replica's part of it) marks it healthy.
    /// A paused silo still accepts TCP connections, so only an answer tells it from a live one.
    /// </summary>
    public void StartHealthChecks(TimeSpan period, TimeSpan timeout)
    {
        var token = _stopChecks.Token;
        _checks = Task.Run(async () =>
        {
            while (!token.IsCancellationRequested)
            {
                await Task.WhenAll(_stores.Select(async (store, i) =>
                {
                    bool ok;
                    try
                    {
                        ok = (await store.StatusAsync().WaitAsync(timeout, token)).Replicas.Count > 0;
                    }
                    catch (Exception)
                    {
                        ok = false;
                    }
                    Volatile.Write(ref _healthy[i], ok);
                }));
                try
                {
                    // The check period: health is sampled, not awaited by anyone.
                    await Task.Delay(period, token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }, CancellationToken.None);
    }

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
        await _stopChecks.CancelAsync();
        await _checks;
        _stopChecks.Dispose();
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
