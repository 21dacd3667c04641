using RaftOrleans.Consensus;
using RaftOrleans.Grains.Diagnostics;

namespace RaftOrleans.Grains.Replica;

/// <summary>
/// Self-healing placement at the leader (issue #13 item 5): about once a second the leader asks the
/// <see cref="SelfHealingPlanner"/> for the next step of replacing a member whose silo has been down for
/// <see cref="Hosting.RaftKeyValueOptions.SelfHealingGracePeriod"/>, and queues it like an operator's change. It acts
/// only on a committed configuration with no other change queued or in flight, and only while the leader keeps
/// its lease (CheckQuorum steps a leader that cannot reach a majority down, and its countdowns restart), so a group
/// that cannot commit never reconfigures itself.
/// </summary>
internal sealed partial class RaftReplicaGrain
{
    private static readonly TimeSpan SelfHealingPeriod = TimeSpan.FromSeconds(1);
    private SelfHealingPlanner? _healer;
    private DateTimeOffset _nextHealingCheck;

    private void PlanSelfHealing()
    {
        if (!_options.SelfHealing) return;
        if (_node.Role != StateRole.Leader || _siloStopping)
        {
            _healer?.Reset();
            return;
        }
        var now = DateTimeOffset.UtcNow;
        if (now < _nextHealingCheck) return;
        _nextHealingCheck = now + SelfHealingPeriod;
        if (_membershipQueue.Count > 0 || _membershipInFlight.Count > 0 || _node.ConfigurationIndex > _node.CommitIndex) return;

        _healer ??= new SelfHealingPlanner(_options.SelfHealingGracePeriod, Math.Min(3, _topology.InitialVoterIds(_key.Group).Count));
        var configuration = _node.Configuration;
        var spares = _peerSilos.ActiveReplicaSilos().Where(s => !configuration.IsMember(s.Key)).ToDictionary();
        if (_healer.Next(configuration, _key.Index, _peerSilos.IsUp, spares, now) is not { } change) return;

        var location = change.Location.Length > 0 ? change.Location : _topology.SiloOf(new ReplicaKey(_key.Group, change.Id));
        change = change with { Location = location };
        var waiter = new TaskCompletionSource<ReplicaReply>(TaskCreationOptions.RunContinuationsAsynchronously);
        Log.SelfHealingChange(_logger, _name, change.Type.ToString(), change.Id, location, configuration.ToString());
        _membershipQueue.Add(new PendingChange(change, waiter, now + _options.RequestTimeout * 0.9));
        _ = waiter.Task.ContinueWith(t =>
        {
            var reply = t.Result;
            if (reply.Response is { IsOk: true }) Log.SelfHealingDone(_logger, _name, change.Type.ToString(), change.Id, reply.Response.Message ?? "");
            else Log.SelfHealingRetry(_logger, _name, change.Type.ToString(), change.Id, reply.Response?.Message ?? reply.Reason ?? "");
        }, TaskScheduler.Current);
    }
}
