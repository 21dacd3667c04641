using RaftOrleans.Consensus;
using RaftOrleans.Grains.Wire;
using RaftOrleans.KeyValue;

namespace RaftOrleans.Grains.Replica;

/// <summary>
/// Watch polls on the leader: a poll with changes to report answers at once; one without waits until an applied
/// entry brings some, until its wait ends (then it answers none, with the revision it has seen through), or until
/// leadership is lost (then "not leader", and the gateway asks the new leader from the same revision). Only applied
/// entries are reported, so a watcher never sees a change that could still be lost.
/// </summary>
internal sealed partial class RaftReplicaGrain
{
    private readonly List<(KvRange Range, long From, int MaxEvents, TaskCompletionSource<ReplicaReply> Waiter)> _watches = [];

    /// <inheritdoc />
    public async Task<ReplicaReply> Watch(RangeRequest request, long fromRevision, int maxEvents, TimeSpan wait)
    {
        if (_stopped) return NotLeader("replica stopped");
        if (_siloStopping) return SiloStopping();
        var range = KvWire.ToRange(request);
        if (_limits.ValidateRange(range, forRead: false) is { } invalid) return new ReplicaReply { Response = KvResponse.BadInput(invalid) };
        if (maxEvents < 1) return new ReplicaReply { Response = KvResponse.BadInput($"a watch must ask for at least one event, not {maxEvents}") };
        if (_node.Role != StateRole.Leader) return NotLeader("not leader");

        // "From now" is fixed here, at the revision this leader has applied, so the wait cannot skip what comes next.
        long from = fromRevision == 0 ? _stateMachine.Revision + 1 : fromRevision;
        var result = _stateMachine.Watch(range!, from, maxEvents);
        if (result.Status != KvStatus.Ok || result.Events!.Count > 0 || wait <= TimeSpan.Zero) return new ReplicaReply { Response = KvWire.ToResponse(result) };

        var waiter = new TaskCompletionSource<ReplicaReply>(TaskCreationOptions.RunContinuationsAsynchronously);
        var watch = (range!, from, maxEvents, waiter);
        _watches.Add(watch);
        try
        {
            return await waiter.Task.WaitAsync(wait);
        }
        catch (TimeoutException)
        {
            // Nothing happened: a progress answer, complete through what this leader has applied.
            if (_node.Role != StateRole.Leader) return NotLeader("not leader");
            return new ReplicaReply { Response = KvWire.ToResponse(_stateMachine.Watch(range!, from, maxEvents)) };
        }
        finally
        {
            _watches.Remove(watch);
        }
    }

    /// <summary>After entries are applied: answers every waiting poll that now has changes to report.</summary>
    private void ServeWatches()
    {
        for (var i = _watches.Count - 1; i >= 0; i--)
        {
            var (range, from, maxEvents, waiter) = _watches[i];
            if (from > _stateMachine.Revision) continue;
            var result = _stateMachine.Watch(range, from, maxEvents);
            if (result.Status == KvStatus.Ok && result.Events!.Count == 0) continue;
            waiter.TrySetResult(new ReplicaReply { Response = KvWire.ToResponse(result) });
        }
    }

    /// <summary>Leadership lost or the replica stops: every poll goes to the next leader.</summary>
    private void FailWatches(string reason)
    {
        foreach (var (_, _, _, waiter) in _watches) waiter.TrySetResult(NotLeader(reason));
    }
}
