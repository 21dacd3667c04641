using System.Diagnostics;
using RaftOrleans.Consensus;
using RaftOrleans.Grains.Diagnostics;

namespace RaftOrleans.Grains.Replica;

/// <summary>
/// Publishes this replica's state for <see cref="RaftMetrics"/>' observable gauges, from the replica's own turn (the
/// timer tick) so the exporter's thread never reads the Raft node, at most every <see cref="GaugePeriod"/>: gauges
/// are scraped every few seconds, and the tick fires every 30 ms.
/// </summary>
internal sealed partial class RaftReplicaGrain
{
    private static readonly long GaugePeriod = Stopwatch.Frequency / 4;
    private long _nextGaugePublish;

    private void PublishGauges()
    {
        var now = Stopwatch.GetTimestamp();
        if (now < _nextGaugePublish || _node is null) return;
        _nextGaugePublish = now + GaugePeriod;
        var s = _node.Status();
        var followers = s.Role == StateRole.Leader
            ? s.Progress.Where(p => p.Id != _key.Index).Select(p => (p.Id, p.Match)).ToArray()
            : [];
        _metrics.Publish(_key, new ReplicaGauges(
            _metricTags, s.Term, RaftMetrics.RoleCode(s.Role, _node.Configuration.IsVoter(_key.Index), _stopped), s.Leader, s.Commit,
            _stateMachine.AppliedIndex, s.FirstIndex, s.LastIndex, _store.DurableSnapshotIndex, followers));
    }
}
