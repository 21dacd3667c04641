using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using RaftOrleans.Grains.AdoNet;
using RaftOrleans.Security;

namespace RaftOrleans.Bench.Targets;

/// <summary>A started Orleans client host, as a user's application would run one.</summary>
public sealed class OrleansClientConnection : IAsyncDisposable
{
    private readonly IHost _host;

    private OrleansClientConnection(IHost host) => _host = host;

    /// <summary>The connected client.</summary>
    public IClusterClient Client => _host.Services.GetRequiredService<IClusterClient>();

    /// <summary>Builds and starts a client; keeps retrying the first connection until the connect timeout.</summary>
    public static async Task<OrleansClientConnection> ConnectAsync(OrleansConnectionSettings settings, CancellationToken cancellationToken)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.SetMinimumLevel(LogLevel.Error);
        var deadline = DateTime.UtcNow + settings.ConnectTimeout;
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = settings.ClusterId;
                o.ServiceId = settings.ServiceId;
            });
            if (settings.Gateways.Count > 0)
            {
                client.UseStaticClustering([.. settings.Gateways]);
            }
            else if (settings.DataDirectory is { } data)
            {
                client.UseRaftSqliteClustering(Path.Combine(data, "cluster.db"));
            }
            else
            {
                throw new ArgumentException("give either gateways or a data directory", nameof(settings));
            }
            if (settings.Tls is { } tls)
            {
                client.UseRaftTls(tls, settings.ServiceId);
            }
            // A call through a killed gateway must fail within a bounded time, not the 30 s default.
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = settings.ResponseTimeout);
            // Failover trials restart silos: notice their gateways again quickly.
            client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(2));
            client.UseConnectionRetryFilter(async (exception, token) =>
            {
                if (DateTime.UtcNow >= deadline) return false;
                // A pause between connection attempts while the silos come up (not synchronisation).
                await Task.Delay(TimeSpan.FromMilliseconds(250), token);
                return true;
            });
        });
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch
        {
            host.Dispose();
            throw;
        }
        return new OrleansClientConnection(host);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        try
        {
            await _host.StopAsync(stop.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or OrleansException)
        {
            // Leaving is best effort: silos drop a vanished client on their own.
        }
        _host.Dispose();
    }
}
