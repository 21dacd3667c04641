using RaftOrleans.Grains.Replica;
using RaftOrleans.Grains.Topology;

namespace RaftOrleans.Grains.Gateway;

/// <summary>
/// Membership operations through the gateway (issue #13 item 3), and how the gateway keeps its member list current:
/// every reply names the replier's committed configuration index, and a newer one than this silo knows makes the
/// gateway fetch that replica's status and record its configuration in the silo's topology.
/// </summary>
internal sealed partial class KeyValueGrain
{
    /// <inheritdoc />
    public async Task<KvResponse> ChangeMembership(MembershipChange change)
    {
        if (CheckGroup() is { } bad) return bad;
        if (change is null || !Enum.IsDefined(change.Kind)) return KvResponse.BadInput("a membership change needs a kind: add-learner, promote or remove");
        var replica = change.Replica;
        if (change.Silo.Length > 0)
        {
            if (_topology.ReplicaIdOf(change.Silo) is not { } hosted)
                return KvResponse.BadInput($"silo '{change.Silo}' hosts no replica: replica silos are named like '{_topology.SiloOf(new ReplicaKey(_group, 1))}' (the prefix, then the replica id)");
            if (replica != 0 && replica != hosted) return KvResponse.BadInput($"silo '{change.Silo}' hosts replica {hosted}, not {replica}");
            replica = hosted;
        }
        if (replica <= 0) return KvResponse.BadInput("name the replica by a positive id or by its silo");
        var silo = _topology.SiloOf(new ReplicaKey(_group, replica));
        var response = await RouteAsync(r => r.ChangeMembership(change with { Replica = replica, Silo = silo }), "membership change", _options.RequestTimeout);
        if (response.IsOk && _leaderHint != 0) await RefreshMembersAsync(_leaderHint);
        return response;
    }

    /// <inheritdoc />
    public async Task<KvResponse> MoveLeader(int target)
    {
        if (CheckGroup() is { } bad) return bad;
        if (target <= 0) return KvResponse.BadInput("name the replica to lead by a positive id");
        var asked = await RouteAsync(r => r.TransferLeadership(target), "leadership transfer");
        if (!asked.IsOk) return asked;
        // The transfer itself completes asynchronously: report when the target leads, or that it did not in time.
        var deadline = DateTimeOffset.UtcNow + _options.RequestTimeout;
        while (DateTimeOffset.UtcNow < deadline)
        {
            try
            {
                var status = await Replica(target).GetStatus().WaitAsync(_options.AttemptTimeout);
                if (status.Role == "Leader")
                {
                    _leaderHint = target;
                    return new KvResponse { Status = KvStatusCode.Ok, Revision = status.Term, Message = $"replica {target} leads in term {status.Term}" };
                }
            }
            catch (Exception ex) when (ex is TimeoutException or OrleansException)
            {
                // Not answering yet; ask again until the deadline.
            }
            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }
        return KvResponse.Unavailable($"replica {target} did not become leader within {_options.RequestTimeout.TotalSeconds:0.#} s (it may be behind, or the leader gave up after an election timeout)");
    }

    /// <summary>Index of the newest committed configuration this silo knows for the group.</summary>
    private long CommittedIndex => (_topology as CommittedReplicaTopology)?.ConfigurationIndex(_group) ?? 0;

    /// <summary>Fetches <paramref name="replica"/>'s status and records its configuration if it is newer and committed.</summary>
    private async Task RefreshMembersAsync(int replica)
    {
        try
        {
            ObserveNewest([await Replica(replica).GetStatus().WaitAsync(_options.AttemptTimeout)]);
        }
        catch (Exception ex) when (ex is TimeoutException or OrleansException)
        {
            // Best effort: the next reply with a newer index tries again.
        }
    }

    /// <summary>Records the newest committed configuration among <paramref name="statuses"/> in the silo's topology.</summary>
    private void ObserveNewest(IEnumerable<ReplicaStatus> statuses)
    {
        if (_topology is not CommittedReplicaTopology committed) return;
        var newest = statuses.Where(s => s.ConfigurationCommitted && s.ConfigurationIndex > 0 && s.Members.Count > 0).MaxBy(s => s.ConfigurationIndex);
        if (newest is null) return;
        committed.Observe(_group, newest.ConfigurationIndex, newest.Members.Select(m => new ReplicaMember(m.Replica, m.Silo, m.IsVoter)).ToArray());
        _members = _topology.Members(_group);
    }
}
