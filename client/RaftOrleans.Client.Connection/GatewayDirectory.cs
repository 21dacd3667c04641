using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Messaging;

namespace RaftOrleans.Client.Connection;

/// <summary>
/// Where the gateways to race come from: the <c>--gateway</c> list, or the membership table (SQLite
/// <c>cluster.db</c> or PostgreSQL) read through Orleans' own ADO.NET gateway list provider, so the
/// client sees exactly the gateways an Orleans client would.
/// </summary>
internal static class GatewayDirectory
{
    /// <summary>Pause between reads of an empty membership table (silos still registering).</summary>
    private static readonly TimeSpan RereadDelay = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// The listed gateways, or throws <see cref="ClusterUnavailableException"/> when none is listed
    /// before <paramref name="deadline"/>.
    /// </summary>
    public static async Task<IReadOnlyList<IPEndPoint>> ListAsync(ConnectionSettings settings, Deadline deadline, CancellationToken cancellationToken)
    {
        if (settings.Gateways.Count > 0)
        {
            return settings.Gateways;
        }
        using IHost host = BuildListingHost(settings);
        IGatewayListProvider provider = host.Services.GetRequiredService<IGatewayListProvider>();
        Exception? lastFailure = null;
        bool initialized = false;
        while (true)
        {
            try
            {
                if (!initialized)
                {
                    await provider.InitializeGatewayListProvider().WaitAsync(deadline.Remaining, cancellationToken);
                    initialized = true;
                }
                IList<Uri> listed = await provider.GetGateways().WaitAsync(deadline.Remaining, cancellationToken);
                if (listed.Count > 0)
                {
                    return [.. listed.Select(ToEndPoint).Distinct()];
                }
                lastFailure = null;
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                lastFailure = e;
            }
            if (deadline.Remaining <= RereadDelay || cancellationToken.IsCancellationRequested)
            {
                string why = lastFailure is null
                    ? "the membership table lists no active silo"
                    : $"reading the membership table failed: {lastFailure.GetBaseException().Message}";
                throw new ClusterUnavailableException(
                    $"no silo reachable within {deadline.Total.TotalSeconds:0.#}s via {Where(settings)}: {why}", lastFailure);
            }
            // A pause between reads of the table, not synchronisation: silos register on their own schedule.
            await Task.Delay(RereadDelay, cancellationToken);
        }
    }

    /// <summary>Where the gateways came from, for messages.</summary>
    public static string Where(ConnectionSettings settings) => settings.Gateways.Count > 0
        ? "--gateway"
        : settings.PostgresConnectionString is not null
            ? "the PostgreSQL membership table"
            : Path.GetFullPath(settings.ClusterDatabasePath);

    private static IPEndPoint ToEndPoint(Uri gateway) => new(IPAddress.Parse(gateway.Host), gateway.Port);

    private static IHost BuildListingHost(ConnectionSettings settings)
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.UseOrleansClient(client =>
        {
            ClusterConnection.ConfigureIdentity(client, settings);
            if (settings.PostgresConnectionString is { } postgres)
            {
                client.UseAdoNetClustering(o =>
                {
                    o.Invariant = ClusterConnection.PostgreSqlInvariant;
                    o.ConnectionString = postgres;
                });
            }
            else
            {
                client.UseAdoNetClustering(o =>
                {
                    o.Invariant = ClusterConnection.SqliteInvariant;
                    // ReadWrite, not ReadWriteCreate: a client must never create an empty cluster file.
                    o.ConnectionString = $"Data Source={settings.ClusterDatabasePath};Mode=ReadWrite";
                });
            }
        });
        // Never started: the host exists only to build Orleans' gateway list provider.
        return builder.Build();
    }
}
