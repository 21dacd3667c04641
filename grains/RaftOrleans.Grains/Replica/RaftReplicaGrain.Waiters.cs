using RaftOrleans.Consensus;
using RaftOrleans.Grains.Wire;
using RaftOrleans.KeyValue;

namespace RaftOrleans.Grains.Replica;

/// <summary>Glue to <see cref="AppliedRequests{TWaiter}"/>, which applies committed entries and answers the
/// requests waiting for them (the same code the consensus simulation runs).</summary>
internal sealed partial class RaftReplicaGrain : IAppliedRequestsHost<TaskCompletionSource<ReplicaReply>>
{
    private AppliedRequests<TaskCompletionSource<ReplicaReply>> _requests = null!;

    /// <summary>The state machine: owned by <see cref="_requests"/>, replaced when a snapshot is installed.</summary>
    private KeyValueStateMachine _stateMachine => _requests.Machine;

    void IAppliedRequestsHost<TaskCompletionSource<ReplicaReply>>.Completed(TaskCompletionSource<ReplicaReply> waiter, KvResult result, string detail)
        => waiter.TrySetResult(new ReplicaReply { Response = KvWire.ToResponse(result) });

    void IAppliedRequestsHost<TaskCompletionSource<ReplicaReply>>.Failed(TaskCompletionSource<ReplicaReply> waiter, string reason)
        => waiter.TrySetResult(NotLeader(reason));

    void IAppliedRequestsHost<TaskCompletionSource<ReplicaReply>>.EntryApplied(Entry entry, KvResult result)
    {
        _metrics.EntriesApplied.Add(1, _metricTags);
        _faultHook?.OnApplied(_key, entry);
    }

    /// <summary>Fails every waiter: those <see cref="_requests"/> holds and those still queued for the node.</summary>
    private void FailAllWaiters(string reason)
    {
        _requests.FailAll(reason);
        foreach (var (_, w, _, _) in _proposalQueue) w.TrySetResult(NotLeader(reason));
        _proposalQueue.Clear();
        foreach (var (_, w) in _readQueue) w.TrySetResult(NotLeader(reason));
        _readQueue.Clear();
        FailMembershipWaiters(reason);
        FailWatches(reason);
    }
}
