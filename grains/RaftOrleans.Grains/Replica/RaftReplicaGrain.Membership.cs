using RaftOrleans.Consensus;
using RaftOrleans.Grains.Diagnostics;
using RaftOrleans.Grains.Topology;

namespace RaftOrleans.Grains.Replica;

/// <summary>
/// Membership changes at the leader (issue #13): a change is queued like a proposal, proposed by the pump, and its
/// caller answered once the configuration that carries it commits. Changes are idempotent (a change already in force
/// in a committed configuration answers Ok at once), so the gateway may retry one after a lost answer or a leader
/// change. A change the core cannot take yet (another in flight, the leader's first entry of its term not committed,
/// a learner still catching up) waits here, re-proposed every round, until the request deadline.
/// </summary>
internal sealed partial class RaftReplicaGrain
{
    private readonly List<PendingChange> _membershipQueue = [];
    private readonly List<PendingChange> _membershipInFlight = [];

    /// <summary>Index of the newest committed configuration reported to the topology (and on replies).</summary>
    private long _observedConfigurationIndex;

    /// <inheritdoc />
    public Task<ReplicaReply> ChangeMembership(MembershipChange change)
    {
        if (_stopped) return Task.FromResult(NotLeader("replica stopped"));
        if (_siloStopping) return Task.FromResult(SiloStopping());
        if (change is null || change.Replica <= 0 || !Enum.IsDefined(change.Kind))
            return Task.FromResult(new ReplicaReply { Response = KvResponse.BadInput("a membership change needs a kind and a positive replica id") });
        if (_node.Role != StateRole.Leader) return Task.FromResult(NotLeader("not leader"));
        var type = change.Kind switch
        {
            MembershipChangeKind.AddLearner => ConfigurationChangeType.AddLearner,
            MembershipChangeKind.Promote => ConfigurationChangeType.PromoteLearner,
            _ => ConfigurationChangeType.Remove,
        };
        var silo = change.Silo.Length > 0 ? change.Silo : _topology.SiloOf(new ReplicaKey(_key.Group, change.Replica));
        var waiter = new TaskCompletionSource<ReplicaReply>(TaskCreationOptions.RunContinuationsAsynchronously);
        var deadline = DateTimeOffset.UtcNow + _options.RequestTimeout * 0.9;
        _membershipQueue.Add(new PendingChange(new ConfigurationChange(type, change.Replica, silo), waiter, deadline));
        Kick();
        return waiter.Task;
    }

    /// <summary>Pump: proposes the queued changes (or answers those already in force, refused, or out of time).</summary>
    private void ProposeMembershipChanges()
    {
        if (_membershipQueue.Count == 0 && _membershipInFlight.Count == 0) return;
        var now = DateTimeOffset.UtcNow;
        foreach (var pending in _membershipInFlight.Where(p => now > p.Deadline).ToArray())
        {
            _membershipInFlight.Remove(pending);
            pending.Waiter.TrySetResult(new ReplicaReply { Response = KvResponse.Unavailable($"the configuration at index {pending.Index} did not commit in time (is a majority of the voters up?)") });
        }
        foreach (var pending in _membershipQueue.ToArray())
        {
            if (InForce(pending.Change))
            {
                _membershipQueue.Remove(pending);
                pending.Waiter.TrySetResult(Done(_node.ConfigurationIndex));
                continue;
            }
            var result = _node.ProposeConfigurationChange(pending.Change);
            switch (result.Outcome)
            {
                case ConfigurationChangeOutcome.Accepted:
                    _membershipQueue.Remove(pending);
                    pending.Index = result.Index;
                    _membershipInFlight.Add(pending);
                    Log.MembershipChangeProposed(_logger, _name, pending.Change.Type.ToString(), pending.Change.Id, result.Index, _node.Configuration.ToString());
                    break;
                case ConfigurationChangeOutcome.Invalid:
                    _membershipQueue.Remove(pending);
                    pending.Waiter.TrySetResult(new ReplicaReply { Response = KvResponse.BadInput(result.Reason) });
                    break;
                case ConfigurationChangeOutcome.NotLeader or ConfigurationChangeOutcome.TransferInProgress:
                    _membershipQueue.Remove(pending);
                    pending.Waiter.TrySetResult(NotLeader(result.Reason));
                    break;
                default: // not ready, another change in flight, a learner behind: retried next round
                    if (now <= pending.Deadline) break;
                    _membershipQueue.Remove(pending);
                    pending.Waiter.TrySetResult(new ReplicaReply { Response = KvResponse.Unavailable(result.Reason) });
                    break;
            }
        }
    }

    /// <summary>After each batch: reports a newly committed configuration to the silo's topology, and answers the
    /// changes it completes.</summary>
    private void ObserveConfiguration()
    {
        var commit = _node.CommitIndex;
        var index = _node.ConfigurationIndex;
        if (index > 0 && index <= commit && index != _observedConfigurationIndex)
        {
            _observedConfigurationIndex = index;
            var members = _node.Configuration.Members
                .Select(m => new ReplicaMember(m.Id, m.Location.Length > 0 ? m.Location : _topology.SiloOf(new ReplicaKey(_key.Group, m.Id)), m.IsVoter))
                .ToArray();
            (_topology as CommittedReplicaTopology)?.Observe(_key.Group, index, members);
            Log.ConfigurationCommitted(_logger, _name, index, _node.Configuration.ToString());
        }
        if (_membershipInFlight.Count == 0) return;
        foreach (var pending in _membershipInFlight.Where(p => p.Index <= commit).ToArray())
        {
            _membershipInFlight.Remove(pending);
            // Committed at its index, or replaced there by another leader's entry: only the configuration says which.
            pending.Waiter.TrySetResult(InForce(pending.Change) ? Done(pending.Index) : NotLeader("the change was overwritten by another leader"));
        }
    }

    /// <summary>True when what <paramref name="change"/> asks for holds in a committed configuration.</summary>
    private bool InForce(ConfigurationChange change)
    {
        if (_node.ConfigurationIndex > _node.CommitIndex) return false;
        var member = _node.Configuration.Find(change.Id);
        return change.Type switch
        {
            ConfigurationChangeType.AddLearner => member is { IsVoter: false },
            ConfigurationChangeType.PromoteLearner => member is { IsVoter: true },
            _ => member is null,
        };
    }

    private ReplicaReply Done(long index) => new()
    {
        Response = new KvResponse { Status = KvStatusCode.Ok, Revision = index, Message = _node.Configuration.ToString() },
        ConfigurationIndex = _observedConfigurationIndex,
    };

    private void FailMembershipWaiters(string reason)
    {
        foreach (var pending in _membershipQueue.Concat(_membershipInFlight)) pending.Waiter.TrySetResult(NotLeader(reason));
        _membershipQueue.Clear();
        _membershipInFlight.Clear();
    }

    /// <summary>The configuration in force here, for status: each member with, on the leader, its replicated index.</summary>
    private IReadOnlyList<MemberInfo> MemberInfos(RaftStatus status)
    {
        var matches = status.Progress.ToDictionary(p => p.Id, p => p.Match);
        return _node.Configuration.Members.Select(m => new MemberInfo
        {
            Replica = m.Id,
            Silo = m.Location.Length > 0 ? m.Location : _topology.SiloOf(new ReplicaKey(_key.Group, m.Id)),
            IsVoter = m.IsVoter,
            Incarnation = m.Incarnation,
            Match = matches.GetValueOrDefault(m.Id),
        }).ToArray();
    }

    /// <summary>The grain reference of peer <paramref name="replica"/>, cached: members come and go with the configuration.</summary>
    private IRaftReplicaGrain Peer(int replica)
    {
        if (!_peers.TryGetValue(replica, out var peer))
        {
            peer = GrainFactory.GetGrain<IRaftReplicaGrain>(new ReplicaKey(_key.Group, replica).ToString());
            _peers[replica] = peer;
        }
        return peer;
    }

    private sealed class PendingChange(ConfigurationChange change, TaskCompletionSource<ReplicaReply> waiter, DateTimeOffset deadline)
    {
        public ConfigurationChange Change { get; } = change;
        public TaskCompletionSource<ReplicaReply> Waiter { get; } = waiter;
        public DateTimeOffset Deadline { get; } = deadline;
        public long Index { get; set; }
    }
}
