using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using RaftOrleans.Grains.Diagnostics;
using RaftOrleans.Grains.Replica;
using RaftOrleans.Grains.Topology;

namespace RaftOrleans.Grains.Hosting;

/// <summary>
/// At silo start, activates the replicas pinned to this silo so they rejoin their group at once,
/// instead of waiting for a client or a peer message to touch them.
/// </summary>
internal sealed class ReplicaWakeStartupTask(
    IGrainFactory grainFactory,
    ILocalSiloDetails silo,
    IReplicaTopology topology,
    ILogger<ReplicaWakeStartupTask> logger) : IStartupTask
{
    public async Task Execute(CancellationToken cancellationToken)
    {
        var woken = 0;
        foreach (var replica in topology.ReplicasOn(silo.Name))
        {
            var key = replica.ToString();
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
        Log.ReplicasWoken(logger, woken, silo.Name);
    }
}
