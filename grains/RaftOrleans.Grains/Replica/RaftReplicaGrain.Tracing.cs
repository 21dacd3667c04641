using System.Diagnostics;
using RaftOrleans.Grains.Diagnostics;

namespace RaftOrleans.Grains.Replica;

/// <summary>
/// The leader's span of a traced write (<see cref="RaftTracing"/>): started when the proposal arrives, given the
/// entry's index at append, an event when the leader's own write of it is durable and when it commits, and ended
/// when its waiter is answered (applied, or refused). Only proposals with a listener get a span, so an untraced
/// leader pays one null check per proposal.
/// </summary>
internal sealed partial class RaftReplicaGrain
{
    // Traced proposals by ascending index (proposals are appended in order), until they commit.
    private readonly Queue<(long Index, Activity Trace)> _traced = new();
    private long _tracedPersisted;
    private long _tracedCommitted;

    private Activity? StartProposalTrace(Task<ReplicaReply> answered)
    {
        var trace = RaftTracing.StartDetached("raftkv.replica.propose");
        if (trace is null) return null;
        trace.SetTag(RaftMetrics.GroupTag, _key.Group).SetTag(RaftMetrics.ReplicaTag, _key.Index);
        _ = answered.ContinueWith(t =>
        {
            var reply = t.Result;
            trace.SetTag("raftkv.status", reply.Response?.Status.ToString() ?? "NotLeader");
            if (reply.NotLeader) trace.SetStatus(ActivityStatusCode.Error, reply.Reason ?? "not leader");
            trace.Dispose();
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return trace;
    }

    private void Traced(Activity trace, long index, long term)
    {
        trace.SetTag("raftkv.index", index).SetTag("raftkv.term", term);
        trace.AddEvent(new ActivityEvent("appended"));
        _traced.Enqueue((index, trace));
    }

    /// <summary>Adds <paramref name="name"/> to every traced proposal up to <paramref name="upTo"/> not yet given it;
    /// a proposal leaves the queue once committed.</summary>
    private void TraceEvent(string name, long upTo, ref long reached)
    {
        if (upTo <= reached) return;
        foreach (var (index, trace) in _traced)
        {
            if (index > upTo) break;
            if (index > reached) trace.AddEvent(new ActivityEvent(name));
        }
        reached = upTo;
        if (name != "committed") return;
        while (_traced.TryPeek(out var head) && head.Index <= upTo) _traced.Dequeue();
    }
}
