using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using RaftOrleans.Grains.Diagnostics;
using RaftOrleans.Grains.Replica;

namespace RaftOrleans.Grains.Hosting;

/// <summary>
/// At silo start, activates the replicas pinned to this silo so they rejoin their group at once,
/// instead of waiting for a client or a peer message to touch them.
/// </summary>
internal sealed class ReplicaWakeStartupTask(
    IGrainFactory grainFactory,
    ILocalSiloDetails silo,
    IOptions<RaftKeyValueOptions> options,
    ILogger<ReplicaWakeStartupTask> logger) : IStartupTask
{
    public async Task Execute(CancellationToken cancellationToken)
    {
        var o = options.Value;
        var local = Enumerable.Range(1, o.ReplicaCount).Where(i => string.Equals(o.SiloNameFor(i), silo.Name, StringComparison.Ordinal)).ToList();
        var woken = 0;
        foreach (var group in o.Groups)
        {
            foreach (var index in local)
            {
                var key = new ReplicaKey(group, index).ToString();
                try
                {
                    await grainFactory.GetGrain<IRaftReplicaGrain>(key).Wake().WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
                    woken++;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The reminder and the first peer message will activate it later.
                    Log.WakeFailed(logger, ex, key);
                }
            }
        }
        Log.ReplicasWoken(logger, woken, silo.Name);
    }
}
