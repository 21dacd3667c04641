using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using RaftOrleans.Grains;

namespace RaftOrleans.Client.Connection;

/// <summary>
/// A connected Orleans client for one Raft group. Connecting has a deadline: with no silo up the
/// user gets "unavailable: no silo reachable" instead of a hang.
/// </summary>
public sealed class ClusterConnection : IAsyncDisposable
{
    /// <summary>The ADO.NET invariant that makes the Orleans provider load Microsoft.Data.Sqlite.</summary>
    public const string SqliteInvariant = "System.Data.SQLite";

    /// <summary>The ADO.NET invariant Orleans maps to Npgsql (PostgreSQL membership).</summary>
    public const string PostgreSqlInvariant = "Npgsql";

    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(2);
    private readonly IHost _host;

    private ClusterConnection(IHost host, string group, GatewayLossSignal gatewayLoss)
    {
        _host = host;
        Gateway = host.Services.GetRequiredService<IClusterClient>().GetGrain<IKeyValueGrain>(group);
        GatewayLoss = gatewayLoss;
    }

    /// <summary>The group's gateway grain.</summary>
    public IKeyValueGrain Gateway { get; }

    /// <summary>Signals each loss of a gateway connection, so in-flight requests stop waiting.</summary>
    public GatewayLossSignal GatewayLoss { get; }

    /// <summary>Connects, or throws <see cref="ClusterUnavailableException"/> once the connect deadline passes.</summary>
    public static async Task<ClusterConnection> ConnectAsync(ConnectionSettings settings, CancellationToken cancellationToken)
    {
        if (settings.Gateways.Count == 0 && settings.PostgresConnectionString is null && !File.Exists(settings.ClusterDatabasePath))
        {
            throw new ClusterUnavailableException(
                $"no silo reachable: no cluster file at {Path.GetFullPath(settings.ClusterDatabasePath)} "
                + "(start a cluster with `raftkv-silo local`, or pass --data DIR or --gateway host:port)");
        }

        var filter = new DeadlineRetryFilter(DateTime.UtcNow + settings.ConnectTimeout);
        var gatewayLoss = new GatewayLossSignal();
        IHost host = BuildHost(settings, filter, gatewayLoss);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(settings.ConnectTimeout);
        try
        {
            await host.StartAsync(deadline.Token);
            return new ClusterConnection(host, settings.Group, gatewayLoss);
        }
        catch (Exception e) when (e is not ClusterUnavailableException)
        {
            host.Dispose();
            Exception cause = filter.LastFailure ?? e;
            string where = settings.Gateways.Count > 0
                ? string.Join(", ", settings.Gateways)
                : settings.PostgresConnectionString is not null
                    ? "the PostgreSQL membership table"
                    : Path.GetFullPath(settings.ClusterDatabasePath);
            throw new ClusterUnavailableException(
                $"no silo reachable within {settings.ConnectTimeout.TotalSeconds:0.#}s via {where}: {cause.GetBaseException().Message}", e);
        }
    }

    private static IHost BuildHost(ConnectionSettings settings, DeadlineRetryFilter filter, GatewayLossSignal gatewayLoss)
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.ClearProviders();
        if (settings.Verbose)
        {
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        }
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
            else if (settings.PostgresConnectionString is { } postgres)
            {
                client.UseAdoNetClustering(o =>
                {
                    o.Invariant = PostgreSqlInvariant;
                    o.ConnectionString = postgres;
                });
            }
            else
            {
                client.UseAdoNetClustering(o =>
                {
                    o.Invariant = SqliteInvariant;
                    // ReadWrite, not ReadWriteCreate: a client must never create an empty cluster file.
                    o.ConnectionString = $"Data Source={settings.ClusterDatabasePath};Mode=ReadWrite";
                });
            }
            client.UseConnectionRetryFilter(filter);
            client.AddClusterConnectionStatusObserver(gatewayLoss);
            // Orleans' own deadline matches ours, so a call to a dead gateway fails instead of waiting 30 s.
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = settings.RequestTimeout);
            // A long-lived shell notices restarted silos' gateways sooner than the 1 min default.
            client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(5));
        });
        return builder.Build();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(StopTimeout);
        try
        {
            await _host.StopAsync(stop.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or OrleansException)
        {
            // Leaving is best effort: the silos drop a vanished client on their own.
        }
        _host.Dispose();
    }
}
