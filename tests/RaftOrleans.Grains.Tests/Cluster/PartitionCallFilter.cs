using RaftOrleans.Grains.Replica;

namespace RaftOrleans.Grains.Tests.Cluster;

/// <summary>
/// Makes network partitions out of a grain call filter: a replica-to-replica <c>Deliver</c> over a
/// cut link is never invoked, exactly like a lost packet (the call is one-way, so nobody waits).
/// </summary>
public sealed class PartitionCallFilter(ReplicaNetwork network) : IOutgoingGrainCallFilter
{
    /// <inheritdoc />
    public Task Invoke(IOutgoingGrainCallContext context)
    {
        if (context.InterfaceMethod?.Name == nameof(IRaftReplicaGrain.Deliver)
            && ReplicaKey.TryParse(context.SourceId?.Key.ToString() ?? "", out var from)
            && ReplicaKey.TryParse(context.TargetId.Key.ToString() ?? "", out var to)
            && network.ShouldDrop(from.Index, to.Index))
        {
            return Task.CompletedTask;
        }
        return context.Invoke();
    }
}
