using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using RaftOrleans.Grains;
using RaftOrleans.Security;

namespace RaftOrleans.Silo.Local;

/// <summary>
/// Decides that the local cluster serves: a client reaches a gateway through the cluster file and a
/// linearizable <c>Get</c> answers Ok or NotFound, which needs an elected leader and a majority.
/// </summary>
public sealed class ReadinessProbe(string clusterDatabasePath, string clusterId, string serviceId)
{
    /// <summary>The client certificate the probe connects with when the cluster runs with TLS (it needs read access to <see cref="ProbeKey"/>).</summary>
    public RaftOrleans.Security.ClientTlsSettings? Tls { get; init; }

    /// <summary>The key read by the probe; reading never changes the store.</summary>
    public const string ProbeKey = "__raftkv_ready_probe__";

    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(300);

    /// <summary>
    /// Polls until the cluster serves (true), <paramref name="deadline"/> passes or
    /// <paramref name="keepWaiting"/> turns false (false), with what was seen last.
    /// </summary>
    public async Task<(bool Ready, string LastProblem)> WaitAsync(DateTime deadline, Func<bool> keepWaiting, CancellationToken cancellationToken)
    {
        string lastProblem = "no attempt yet";
        while (DateTime.UtcNow < deadline && keepWaiting() && !cancellationToken.IsCancellationRequested)
        {
            if (!File.Exists(clusterDatabasePath))
            {
                lastProblem = $"{clusterDatabasePath} does not exist yet";
            }
            else
            {
                IHost? host = null;
                try
                {
                    host = BuildClient();
                    using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    attempt.CancelAfter(AttemptTimeout);
                    await host.StartAsync(attempt.Token);
                    var gateway = host.Services.GetRequiredService<IClusterClient>().GetGrain<IKeyValueGrain>(RaftKeyValueClientExtensions.DefaultGroup);
                    while (DateTime.UtcNow < deadline && keepWaiting())
                    {
                        KvResponse response = await gateway.Get(ProbeKey).WaitAsync(AttemptTimeout, cancellationToken);
                        if (response.Status is KvStatusCode.Ok or KvStatusCode.NotFound)
                        {
                            return (true, "");
                        }
                        lastProblem = $"read answered {response.Status}: {response.Message}";
                        // Polling interval while the replicas elect a leader (not synchronisation).
                        await Task.Delay(PollInterval, cancellationToken);
                    }
                }
                catch (Exception e) when (e is OrleansException or TimeoutException or OperationCanceledException or AccessDeniedException
                                              or InvalidOperationException or System.Data.Common.DbException)
                {
                    if (cancellationToken.IsCancellationRequested)
                    {
                        break;
                    }
                    lastProblem = $"{e.GetType().Name}: {e.GetBaseException().Message}";
                }
                finally
                {
                    await DisposeQuietlyAsync(host);
                }
            }
            try
            {
                await Task.Delay(PollInterval, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        return (false, lastProblem);
    }

    private IHost BuildClient()
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = clusterId;
                o.ServiceId = serviceId;
            });
            client.UseAdoNetClustering(o =>
            {
                o.Invariant = "System.Data.SQLite";
                o.ConnectionString = $"Data Source={clusterDatabasePath};Mode=ReadWrite";
            });
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = AttemptTimeout);
            if (Tls is { } tls)
            {
                client.UseRaftTls(tls, serviceId);
            }
        });
        return builder.Build();
    }

    private static async Task DisposeQuietlyAsync(IHost? host)
    {
        if (host is null)
        {
            return;
        }
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await host.StopAsync(stop.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or OrleansException)
        {
            // Best effort: the probe client is short-lived.
        }
        host.Dispose();
    }
}
