using RaftOrleans.Consensus;

namespace RaftOrleans.Grains.Replica;

/// <summary>Applying committed entries and completing the requests that wait for them.</summary>
internal sealed partial class RaftReplicaGrain
{
    private readonly Dictionary<long, (long Term, TaskCompletionSource<ReplicaReply> Waiter, (long, long) Session)> _proposals = [];
    private readonly Dictionary<(long ClientId, long Sequence), TaskCompletionSource<ReplicaReply>> _sessionWaiters = [];
    private readonly Dictionary<long, (string Key, TaskCompletionSource<ReplicaReply> Waiter)> _reads = [];
    private readonly List<(long Index, string Key, TaskCompletionSource<ReplicaReply> Waiter)> _readsAwaitingApply = [];
    private long _nextReadContext;

    private void Apply(IReadOnlyList<Entry> committed)
    {
        foreach (var entry in committed)
        {
            if (entry.Index <= _stateMachine.AppliedIndex) continue; // replayed below a loaded snapshot
            KvResponse? response = null;
            if (entry.Type == EntryType.Normal)
            {
                response = ToResponse(_stateMachine.Apply(entry.Index, entry.Data));
            }
            else
            {
                _stateMachine.ApplyNoop(entry.Index);
            }
            _metrics.EntriesApplied.Add(1);
            _faultHook?.OnApplied(_key, entry);

            if (_proposals.Remove(entry.Index, out var pending))
            {
                _sessionWaiters.Remove(pending.Session);
                // Same index, same term: it is our proposal. Another term: ours was overwritten.
                pending.Waiter.TrySetResult(pending.Term == entry.Term && response is not null
                    ? new ReplicaReply { Response = response }
                    : NotLeader("proposal overwritten by another leader"));
            }
        }
        ServeReadsUpTo(_stateMachine.AppliedIndex);
    }

    private void ReleaseReads(Ready ready)
    {
        foreach (var rs in ready.ReadStates)
        {
            if (_reads.Remove(rs.Context, out var read))
            {
                _readsAwaitingApply.Add((rs.Index, read.Key, read.Waiter));
            }
        }
        foreach (var context in ready.DroppedReads)
        {
            if (_reads.Remove(context, out var read)) read.Waiter.TrySetResult(NotLeader("read dropped: leadership lost"));
        }
        ServeReadsUpTo(_stateMachine.AppliedIndex);
    }

    private void ServeReadsUpTo(long applied)
    {
        if (_readsAwaitingApply.Count == 0) return;
        var remaining = 0;
        for (var i = 0; i < _readsAwaitingApply.Count; i++)
        {
            var r = _readsAwaitingApply[i];
            if (r.Index <= applied)
            {
                r.Waiter.TrySetResult(new ReplicaReply { Response = ToResponse(_stateMachine.Get(r.Key)) });
            }
            else
            {
                _readsAwaitingApply[remaining++] = r;
            }
        }
        _readsAwaitingApply.RemoveRange(remaining, _readsAwaitingApply.Count - remaining);
    }

    private void FailAllWaiters(string reason)
    {
        foreach (var (_, p) in _proposals) p.Waiter.TrySetResult(NotLeader(reason));
        _proposals.Clear();
        _sessionWaiters.Clear();
        foreach (var (_, r) in _reads) r.Waiter.TrySetResult(NotLeader(reason));
        _reads.Clear();
        foreach (var r in _readsAwaitingApply) r.Waiter.TrySetResult(NotLeader(reason));
        _readsAwaitingApply.Clear();
        foreach (var (_, w, _) in _proposalQueue) w.TrySetResult(NotLeader(reason));
        _proposalQueue.Clear();
        foreach (var (_, w) in _readQueue) w.TrySetResult(NotLeader(reason));
        _readQueue.Clear();
    }
}
