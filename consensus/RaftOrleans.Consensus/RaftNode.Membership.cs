namespace RaftOrleans.Consensus;

/// <summary>
/// Membership changes, one server at a time (thesis §4.1–4.3). Each change adds a learner, promotes a caught-up
/// learner to voter, or removes one member, so any majority of the old voters and any majority of the new ones
/// share a replica: the two configurations can never elect two leaders or commit two different entries. That is
/// why no joint phase is needed (etcd-io/raft uses joint consensus to change several voters at once; hashicorp/raft
/// and dotNext change one at a time, as here). The rules:
/// <list type="bullet">
/// <item>a configuration takes effect on every replica as soon as it is in its log, committed or not (§4.1), and
/// a truncated one is undone (RaftNode.Configuration.cs);</item>
/// <item>at most one change is in flight: a change is accepted only once the previous configuration is committed;</item>
/// <item>a leader proposes a change only after it committed an entry of its own term (the fix to the
/// single-server change bug Ongaro reported on raft-dev in 2015: otherwise an uncommitted change of an earlier
/// leader and this one can be two steps apart);</item>
/// <item>new members join as learners (§4.2.1: they catch up without holding up commits) and are promoted once
/// they hold the configuration and are close behind; only voters campaign, vote or count;</item>
/// <item>a leader that removes itself keeps leading, without counting itself, until the change commits, then hands
/// over to the most caught-up voter and steps down (§4.2.2).</item>
/// </list>
/// </summary>
public sealed partial class RaftNode
{
    /// <summary>
    /// Proposes one membership change (leader only). On acceptance the new configuration is appended and in force
    /// on this leader at once; the change is done when its index commits (watch <see cref="Ready.CommittedEntries"/>).
    /// </summary>
    public ConfigurationChangeResult ProposeConfigurationChange(ConfigurationChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (Role != StateRole.Leader) return Refuse(ConfigurationChangeOutcome.NotLeader, $"replica {Id} is not the leader");
        if (leadTransferee != None) return Refuse(ConfigurationChangeOutcome.TransferInProgress, "a leadership transfer is under way");
        if (!ConfigurationCommitted || (!CommittedInCurrentTerm() && !Faults.ChangeBeforeTermCommit))
            return Refuse(ConfigurationChangeOutcome.NotReady, "the leader has not committed an entry of its term yet");
        if (configIndex > log.Committed && !Faults.MultipleChangesInFlight)
            return Refuse(ConfigurationChangeOutcome.ChangeInProgress, $"the configuration at index {configIndex} is not committed yet");

        var current = Configuration;
        var member = current.Find(change.Id);
        GroupConfiguration next;
        switch (change.Type)
        {
            case ConfigurationChangeType.AddLearner:
                if (change.Id <= None) return Refuse(ConfigurationChangeOutcome.Invalid, $"replica id {change.Id} is not positive");
                if (member is not null)
                    return Refuse(ConfigurationChangeOutcome.Invalid, $"replica {change.Id} is already a {(member.IsVoter ? "voter" : "learner")}");
                // Its incarnation is learned from its answers and recorded when it is promoted.
                next = current.With(new GroupMember(change.Id, 0, IsVoter: false, change.Location));
                break;
            case ConfigurationChangeType.PromoteLearner:
                if (member is null) return Refuse(ConfigurationChangeOutcome.Invalid, $"replica {change.Id} is not a member");
                if (member.IsVoter) return Refuse(ConfigurationChangeOutcome.Invalid, $"replica {change.Id} is already a voter");
                if (!TryPromotion(member, out var promoted, out var behind)) return Refuse(ConfigurationChangeOutcome.LearnerBehind, behind);
                next = current.With(promoted);
                break;
            case ConfigurationChangeType.Remove:
                if (member is null) return Refuse(ConfigurationChangeOutcome.Invalid, $"replica {change.Id} is not a member");
                if (member.IsVoter && current.Voters.Count == 1)
                    return Refuse(ConfigurationChangeOutcome.Invalid, $"replica {change.Id} is the only voter");
                next = current.Without(change.Id);
                break;
            default:
                return Refuse(ConfigurationChangeOutcome.Invalid, $"unknown change {change.Type}");
        }

        var entry = new Entry(Term, log.LastIndex + 1, EntryType.Config, ConfigurationCodec.Encode(next));
        AppendAsLeader(entry);
        SetGoverning(next, entry.Index, entry.Term, fromLog: true);
        if (replicationTargets.Length > 0) broadcastPending = true;
        // A leader removing itself from a group of one has no one to wait for: its own durable write commits it.
        return new ConfigurationChangeResult(ConfigurationChangeOutcome.Accepted, entry.Index, entry.Term, Id);
    }

    /// <summary>A learner may become a voter once it holds the configuration in force (so it knows the group it
    /// will vote in), is within <see cref="RaftConfig.MaxPromotionLagEntries"/> of the leader, and (with
    /// incarnations on) has been heard from, so its incarnation can be recorded.</summary>
    private bool TryPromotion(GroupMember learner, out GroupMember promoted, out string behind)
    {
        promoted = learner;
        behind = "";
        var match = progress.TryGetValue(learner.Id, out var pr) ? pr.Match : 0;
        if (match < configIndex || log.LastIndex - match > config.MaxPromotionLagEntries)
        {
            behind = $"learner {learner.Id} has entries up to {match}, the leader up to {log.LastIndex}";
            return false;
        }
        var incarnation = learner.Incarnation;
        if (IncarnationsOn && incarnation == 0 && !learnedIncarnations.TryGetValue(learner.Id, out incarnation))
        {
            behind = $"learner {learner.Id} has not been heard from";
            return false;
        }
        promoted = learner with { IsVoter = true, Incarnation = incarnation };
        return true;
    }

    private ConfigurationChangeResult Refuse(ConfigurationChangeOutcome outcome, string reason) => new(outcome, 0, 0, Leader, reason);

    /// <summary>The match indexes that count toward commit: the voters' (the leader's own only if it votes).</summary>
    private long[] CommitQuorumMatches()
    {
        var matches = new long[voters.Length];
        for (var i = 0; i < voters.Length; i++) matches[i] = progress[voters[i]].Match;
        return matches;
    }

    /// <summary>
    /// A leader removed by a configuration that is now committed stops leading (thesis §4.2.2). It first hands
    /// over to the most caught-up voter that holds its whole log (TimeoutNow), so the group does not wait an
    /// election timeout; the others' leases would otherwise ignore that voter's campaign for as long.
    /// </summary>
    private void StepDownIfRemoved()
    {
        if (Role != StateRole.Leader || IsVoter(Id) || configIndex > log.Committed) return;
        var successor = voters.Where(v => progress[v].Match == log.LastIndex).DefaultIfEmpty(None).First();
        if (successor != None) SendTimeoutNow(successor);
        BecomeFollower(Term, None);
    }
}
