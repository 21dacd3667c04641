using RaftOrleans.Grains;
using RaftOrleans.Grains.Replica;

namespace RaftOrleans.Testing.Cluster;

/// <summary>
/// Applies <see cref="ReplicaNetwork"/> faults to replica-to-replica traffic through an outgoing grain
/// call filter: a <c>Deliver</c> over a cut or lossy link is never invoked, exactly like a lost packet
/// (the call is one-way, so nobody waits), and a delayed one is invoked later. Client and gateway
/// calls are never touched: a partitioned replica still hears clients, as in Jepsen's model.
/// </summary>
public sealed class ReplicaNetworkCallFilter(ReplicaNetwork network) : IOutgoingGrainCallFilter
{
    /// <inheritdoc />
    public Task Invoke(IOutgoingGrainCallContext context)
    {
        if (context.InterfaceMethod?.Name == nameof(IRaftReplicaGrain.Deliver)
            && ReplicaKey.TryParse(context.SourceId?.Key.ToString() ?? "", out var from)
            && ReplicaKey.TryParse(context.TargetId.Key.ToString() ?? "", out var to))
        {
            var decision = network.Decide(from.Index, to.Index);
            if (decision.Lost) return Task.CompletedTask;
            if (decision.Delay > TimeSpan.Zero) return DelayThenInvokeAsync(context, decision.Delay);
        }
        return context.Invoke();
    }

    // The sender never awaits a Deliver, so holding the call here delays only this message; the
    // replica is reentrant and keeps working meanwhile.
    private static async Task DelayThenInvokeAsync(IOutgoingGrainCallContext context, TimeSpan delay)
    {
        await Task.Delay(delay);
        await context.Invoke();
    }
}
