using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using RaftOrleans.Security;

namespace RaftOrleans.Client.Connection;

/// <summary>
/// A connected Orleans client through the one gateway that won the connection race
/// (<see cref="GatewayRace"/>). Connecting spends from the caller's deadline: with no silo
/// answering the caller gets <see cref="ClusterUnavailableException"/> ("no silo reachable"), naming
/// every gateway tried and what it did, instead of a hang. <see cref="RaftKeyValueClient"/> is its
/// public face.
/// </summary>
internal sealed class ClusterConnection : IAsyncDisposable
{
    /// <summary>The ADO.NET invariant that makes the Orleans provider load Microsoft.Data.Sqlite.</summary>
    public const string SqliteInvariant = "System.Data.SQLite";

    /// <summary>The ADO.NET invariant Orleans maps to Npgsql (PostgreSQL membership).</summary>
    public const string PostgreSqlInvariant = "Npgsql";

    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(1);
    private readonly IHost _host;
    private int _disposed;

    internal ClusterConnection(GatewayLane lane, string report)
    {
        _host = lane.Host;
        Client = _host.Services.GetRequiredService<IClusterClient>();
        GatewayLoss = lane.GatewayLoss;
        Endpoint = lane.Attempt.Endpoint;
        Report = report;
    }

    /// <summary>The Orleans client of the winning lane; it knows only <see cref="Endpoint"/>.</summary>
    public IClusterClient Client { get; }

    /// <summary>Signals the loss of the gateway connection, so in-flight requests stop waiting.</summary>
    public GatewayLossSignal GatewayLoss { get; }

    /// <summary>The gateway this connection uses.</summary>
    public IPEndPoint Endpoint { get; }

    /// <summary>What every listed gateway did while connecting ("127.0.0.1:1 refused; 127.0.0.1:2 ok in 80 ms").</summary>
    public string Report { get; }

    /// <summary>True once the gateway connection is gone: a new command must connect again.</summary>
    public bool IsLost => GatewayLoss.IsLost;

    /// <summary>
    /// Connects through the first listed gateway that answers, or throws
    /// <see cref="ClusterUnavailableException"/> once <paramref name="deadline"/> passes.
    /// </summary>
    public static async Task<ClusterConnection> ConnectAsync(ConnectionSettings settings, Deadline deadline, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(deadline);
        settings.ThrowIfInvalid();
        // A missing cluster file is not a bad argument: the cluster may simply not be started yet,
        // and raftkv reports it as unavailable (exit 4) like any other unreachable cluster.
        if (settings.Gateways.Count == 0 && settings.PostgresConnectionString is null && !File.Exists(settings.ClusterDatabasePath))
        {
            throw new ClusterUnavailableException(
                $"no silo reachable: no cluster file at {Path.GetFullPath(settings.ClusterDatabasePath)} "
                + "(start a cluster with `raftkv-silo local`, or pass --data DIR or --gateway host:port)");
        }
        Deadline connect = deadline.CappedAt(settings.ConnectTimeout);
        IReadOnlyList<IPEndPoint> gateways = await GatewayDirectory.ListAsync(settings, connect, cancellationToken);
        return await GatewayRace.RunAsync(settings, gateways, connect, cancellationToken);
    }

    /// <summary>
    /// Connects within <see cref="ConnectionSettings.ConnectTimeout"/> capped by
    /// <see cref="ConnectionSettings.RequestTimeout"/>, for callers without a command deadline of their own.
    /// </summary>
    public static Task<ClusterConnection> ConnectAsync(ConnectionSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return ConnectAsync(settings, settings.StartCommand().CappedAt(settings.ConnectTimeout), cancellationToken);
    }

    /// <summary>Cluster and service id, shared by every host the client builds.</summary>
    internal static void ConfigureIdentity(IClientBuilder client, ConnectionSettings settings)
        => client.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = settings.ClusterId;
            o.ServiceId = settings.ServiceId;
        });

    /// <summary>An Orleans client host that knows exactly <paramref name="gateway"/>.</summary>
    internal static IHost BuildHost(ConnectionSettings settings, IPEndPoint gateway, GatewayLane lane)
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
            ConfigureIdentity(client, settings);
            client.UseStaticClustering(gateway);
            if (settings.Tls is { } tls)
            {
                client.UseRaftTls(tls, settings.ServiceId, lane.Attempt.Refused);
            }
            client.UseConnectionRetryFilter(lane);
            client.AddClusterConnectionStatusObserver(lane.GatewayLoss);
            client.AddClusterConnectionStatusObserver(lane);
            // Orleans' own deadline is the command's, so a call to a dead gateway fails instead of waiting 30 s.
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = settings.RequestTimeout);
            // Orleans refuses a reconnect within ConnectionRetryDelay (1 s by default) of a failure;
            // a silo that is starting should be found within a retry or two.
            client.Configure<ConnectionOptions>(o => o.ConnectionRetryDelay = TimeSpan.FromMilliseconds(200));
        });
        return builder.Build();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
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
