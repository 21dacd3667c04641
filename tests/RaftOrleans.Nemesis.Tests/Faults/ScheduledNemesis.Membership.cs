using System.Diagnostics;
using RaftOrleans.Grains;
using RaftOrleans.Nemesis.Tests.Checks;

namespace RaftOrleans.Nemesis.Tests.Faults;

/// <summary>
/// Membership faults, driven through the store API as an operator would (<c>raftkv member ...</c>): a voter removed
/// and added back, the leader removing itself, the spare added and removed, a disk wiped and its replica replaced.
/// They run amid partitions, kills and pauses, so every call may fail or time out: each step is retried until the
/// committed configuration shows it done (changes are idempotent) or its deadline passes. At most one membership
/// fault runs at a time; what a heal could not finish, <see cref="RestoreConfigurationAsync"/> finishes at the end.
/// </summary>
public sealed partial class ScheduledNemesis
{
    /// <summary>How long a membership fault's heal keeps retrying each step (a kill elsewhere may hold the group
    /// without a majority for a few seconds; a learner needs time to catch up before it can be promoted).</summary>
    public static readonly TimeSpan MembershipStepDeadline = TimeSpan.FromSeconds(30);

    /// <summary>How long the end-of-run restore may take to bring back the first configuration.</summary>
    public static readonly TimeSpan FinalRestoreDeadline = TimeSpan.FromSeconds(90);

    /// <summary>How long a removed leader may keep leading once its removal committed (it hands over at once).</summary>
    public static readonly TimeSpan StepDownDeadline = TimeSpan.FromSeconds(10);

    /// <summary>One store call's deadline: the gateway's whole-request deadline (8 s) and a margin.</summary>
    private static readonly TimeSpan MembershipCallTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The voters as the nemesis last changed them (targets are drawn from them).</summary>
    private readonly HashSet<int> _members;

    /// <summary>Replicas whose disk was wiped and which are not yet a member under a new incarnation, with the
    /// incarnation recorded for them before the wipe.</summary>
    private readonly Dictionary<int, long> _wiped = [];

    private bool _membershipBusy;

    /// <summary>For the membership fault under way: every other fault in effect at any moment of its life, from its
    /// first change to the end of its heal (the point of these faults is to change membership amid others).</summary>
    private readonly Dictionary<int, SortedSet<string>> _overlaps = [];

    private readonly HashSet<int> _membershipTookEffect = [];

    /// <summary>Replicas wiped and not yet re-added (their recorded incarnation is the lost disk's).</summary>
    public IReadOnlyDictionary<int, long> Wiped
    {
        get { lock (_gate) return new Dictionary<int, long>(_wiped); }
    }

    /// <summary>The spare silo's replica, or 0 when the cluster has no spare.</summary>
    private int Spare => _cluster.Options.SpareSilos > 0 ? _cluster.ReplicaCount + 1 : 0;

    private async Task<Injected?> ReconfigureAsync(FaultEvent e, Random random)
    {
        if (!TryClaimMembership(e)) return Skip(e, "another membership fault is under way");
        var (r, role) = await ResolveAsync(e.Spec.Target, random);
        if (r == 0 || !TryDoom(r))
        {
            ReleaseMembership(e);
            return Skip(e, $"replica {r} is down or a minority is already down or out");
        }
        var removed = await StepAsync(e, $"remove replica {r}", m => m.All(x => x.Replica != r), () => _cluster.Store.RemoveMemberAsync(r), MembershipStepDeadline);
        if (removed)
        {
            lock (_gate) _members.Remove(r);
            TookAmid(e, $"removed replica {r} ({role}) from the group");
            if (e.Spec.Target == FaultTarget.Leader) await CheckSteppedDownAsync(e, r);
        }
        return new Injected(async () =>
        {
            try
            {
                if (await RejoinAsync(e, r)) _log.Write($"#{e.Id} healed: replica {r} is a voter again");
            }
            finally
            {
                StillLostOrUndoom(e, r);
                ReleaseMembership(e);
            }
        });
    }

    private async Task<Injected?> GrowAsync(FaultEvent e)
    {
        var spare = Spare;
        if (spare == 0) return Skip(e, "the cluster has no spare silo");
        if (!TryClaimMembership(e)) return Skip(e, "another membership fault is under way");
        if (!_cluster.IsUp(spare))
        {
            ReleaseMembership(e);
            return Skip(e, $"the spare's silo {_cluster.SiloName(spare)} is down");
        }
        if (await RejoinAsync(e, spare)) TookAmid(e, $"added replica {spare} ({_cluster.SiloName(spare)}) as a learner and promoted it");
        return new Injected(async () =>
        {
            try
            {
                if (await StepAsync(e, $"remove replica {spare}", m => m.All(x => x.Replica != spare), () => _cluster.Store.RemoveMemberAsync(spare), MembershipStepDeadline))
                {
                    lock (_gate) _members.Remove(spare);
                    _log.Write($"#{e.Id} healed: the spare replica {spare} is out of the group again");
                }
            }
            finally
            {
                ReleaseMembership(e);
            }
        });
    }

    private async Task<Injected?> WipeAsync(FaultEvent e, Random random)
    {
        if (!TryClaimMembership(e)) return Skip(e, "another membership fault is under way");
        var (r, role) = await ResolveAsync(e.Spec.Target, random);
        // A paused replica would hold its silo's graceful stop until the pause heals.
        if (r == 0 || _cluster.Hook.IsPaused(r) || !TryDoom(r))
        {
            ReleaseMembership(e);
            return Skip(e, $"replica {r} is down or paused, or a minority is already down or out");
        }
        var recorded = (await CommittedMembersAsync())?.FirstOrDefault(m => m.Replica == r);
        if (recorded is not { IsVoter: true, Incarnation: not 0 })
        {
            Undoom(r);
            ReleaseMembership(e);
            return Skip(e, $"no committed configuration records an incarnation for voter {r} right now");
        }
        var took = Stopwatch.StartNew();
        await _cluster.WipeReplicaStorageAsync(r);
        lock (_gate) _wiped[r] = recorded.Incarnation;
        TookAmid(e, $"wiped the storage of replica {r} ({role}) and restarted {_cluster.SiloName(r)} on a blank disk in {took.ElapsedMilliseconds} ms (recorded incarnation {recorded.Incarnation})");
        return new Injected(async () =>
        {
            try
            {
                // Before it is removed, the blank replica is a stranger under a voter's name: nothing it says counts,
                // so nobody brings it up to date and it must still be at commit 0.
                if (await BlankStatusAsync(r) is { } blank && MembershipChecks.CountedWhileBlank(blank, recorded.Incarnation) is { } counted)
                {
                    Error($"#{e.Id} {e.Spec}: {counted}");
                }
                if (await ReplaceWipedAsync(e, r, recorded.Incarnation)) _log.Write($"#{e.Id} healed: replica {r} is a voter again under a new incarnation");
            }
            finally
            {
                StillLostOrUndoom(e, r);
                ReleaseMembership(e);
            }
        });
    }

    /// <summary>
    /// Brings back the group's first configuration after every fault healed: a wiped replica still recorded under its
    /// lost incarnation is removed, every original replica is added back and promoted, the spare is removed. Fails
    /// the run (a nemesis error) when the committed configuration is not exactly the original voters by the deadline.
    /// </summary>
    public async Task RestoreConfigurationAsync(TimeSpan deadline)
    {
        var clock = Stopwatch.StartNew();
        var restore = new FaultEvent(-1, _clock.Elapsed, new FaultSpec(FaultKind.Reconfigure, FaultTarget.All), TimeSpan.Zero, 0);
        IReadOnlyList<MemberInfo>? members = null;
        while (clock.Elapsed < deadline)
        {
            members = await CommittedMembersAsync();
            if (members is not null && MembershipChecks.FirstConfigurationProblem(members, _cluster.ReplicaCount, Wiped) is null)
            {
                lock (_gate)
                {
                    _wiped.Clear();
                    _members.Clear();
                    _members.UnionWith(Enumerable.Range(1, _cluster.ReplicaCount));
                }
                _log.Write($"configuration restored: voters {string.Join(", ", members.Select(m => m.Replica))}");
                return;
            }
            var left = deadline - clock.Elapsed;
            foreach (var (r, incarnation) in Wiped) await ReplaceWipedAsync(restore, r, incarnation, left);
            for (var r = 1; r <= _cluster.ReplicaCount; r++) await RejoinAsync(restore, r, left);
            if (Spare != 0) await StepAsync(restore, $"remove replica {Spare}", m => m.All(x => x.Replica != Spare), () => _cluster.Store.RemoveMemberAsync(Spare), left);
        }
        Error($"could not restore the first configuration within {deadline.TotalSeconds:0} s; committed members: "
            + (members is null ? "unknown (no leader with a committed configuration)" : Describe(members)));
    }

    /// <summary>Adds <paramref name="replica"/> back as a learner, then promotes it once caught up (the leader answers
    /// "learner behind" until then: retried). True once it is a voter in a committed configuration.</summary>
    private async Task<bool> RejoinAsync(FaultEvent e, int replica, TimeSpan? deadline = null)
    {
        var silo = _cluster.SiloName(replica);
        var limit = deadline ?? MembershipStepDeadline;
        var ok = await StepAsync(e, $"add replica {replica} as a learner", m => m.Any(x => x.Replica == replica), () => _cluster.Store.AddMemberAsync(silo, learner: true), limit)
            && await StepAsync(e, $"promote replica {replica}", m => m.Any(x => x.Replica == replica && x.IsVoter), () => _cluster.Store.PromoteMemberAsync(replica), limit);
        if (ok) lock (_gate) _members.Add(replica);
        return ok;
    }

    /// <summary>The way back for a wiped replica: remove the member recorded under the lost incarnation, add the blank
    /// replica as a new learner, promote it; it must then be recorded under a new incarnation.</summary>
    private async Task<bool> ReplaceWipedAsync(FaultEvent e, int replica, long lost, TimeSpan? deadline = null)
    {
        var limit = deadline ?? MembershipStepDeadline;
        if (!await StepAsync(e, $"remove wiped replica {replica}", m => !m.Any(x => x.Replica == replica && x.Incarnation == lost), () => _cluster.Store.RemoveMemberAsync(replica), limit)) return false;
        lock (_gate) _members.Remove(replica);
        if (!await RejoinAsync(e, replica, limit)) return false;
        var member = (await CommittedMembersAsync())?.FirstOrDefault(m => m.Replica == replica);
        if (member is null) return false;
        if (MembershipChecks.NewIncarnationProblem(member, lost) is { } problem)
        {
            Error($"#{e.Id} {e.Spec}: {problem}");
            return false;
        }
        lock (_gate) _wiped.Remove(replica);
        return true;
    }

    /// <summary>
    /// One membership step: until <paramref name="done"/> holds in the leader's committed configuration, call
    /// <paramref name="change"/> (idempotent) and look again; false when the deadline passes first. A step that needed
    /// a call is counted as a membership change committed.
    /// </summary>
    private async Task<bool> StepAsync(FaultEvent e, string what, Func<IReadOnlyList<MemberInfo>, bool> done, Func<Task<KvResponse>> change, TimeSpan deadline)
    {
        var clock = Stopwatch.StartNew();
        var calls = 0;
        string? last = null;
        while (true)
        {
            var members = await CommittedMembersAsync();
            if (members is not null && done(members))
            {
                if (calls > 0) _log.MembershipChanged($"#{e.Id} {what} after {calls} call{(calls == 1 ? "" : "s")} in {clock.ElapsedMilliseconds} ms");
                return true;
            }
            if (clock.Elapsed >= deadline) break;
            calls++;
            try
            {
                var response = await change().WaitAsync(MembershipCallTimeout);
                // Ok means committed; a refusal (no leader, a learner still behind, another change in flight) is retried.
                last = response.IsOk ? null : $"{response.Status}: {response.Message}";
            }
            catch (Exception ex)
            {
                last = $"{ex.GetBaseException().GetType().Name}: {ex.GetBaseException().Message}";
            }
            if (last is not null)
            {
                if (calls <= 3) _log.Write($"#{e.Id} {what}: call {calls} answered {last}");
                await Task.Delay(TimeSpan.FromMilliseconds(250)); // a retry's backoff, not a wait for a condition
            }
        }
        _log.Write($"#{e.Id} {what}: not done within {deadline.TotalSeconds:0} s ({calls} calls; last answer: {last ?? "Ok, yet not in a committed configuration"})");
        return false;
    }

    /// <summary>The members of the leader's configuration when the leader reports it committed; null when no leader
    /// answers or its newest configuration is not committed yet.</summary>
    private async Task<IReadOnlyList<MemberInfo>?> CommittedMembersAsync()
    {
        try
        {
            var (members, from) = await _cluster.Store.MembersAsync().WaitAsync(TimeSpan.FromSeconds(5));
            return from is { Role: "Leader", ConfigurationCommitted: true } ? members : null;
        }
        catch (Exception)
        {
            return null;
        }
    }

    /// <summary>A leader whose removal committed hands over and steps down; a nemesis error if it still leads later.</summary>
    private async Task CheckSteppedDownAsync(FaultEvent e, int replica)
    {
        var clock = Stopwatch.StartNew();
        ReplicaStatus? status = null;
        while (clock.Elapsed < StepDownDeadline)
        {
            status = (await _cluster.ReplicaStatusesAsync([replica], TimeSpan.FromSeconds(2)))[0];
            // Down or unreachable (a kill may hit it) is not leading; a paused replica reports the role it had.
            if (status.Role != "Leader" || _cluster.Hook.IsPaused(replica))
            {
                _log.Write($"#{e.Id} removed leader {replica} stepped down in {clock.ElapsedMilliseconds} ms ({status.Role}, term {status.Term})");
                return;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(100)); // polling a condition with a deadline
        }
        Error($"#{e.Id} {e.Spec}: replica {replica} still leads term {status?.Term} {StepDownDeadline.TotalSeconds:0} s after its removal committed");
    }

    private async Task<ReplicaStatus?> BlankStatusAsync(int replica)
    {
        if (!_cluster.IsUp(replica)) return null;
        var status = (await _cluster.ReplicaStatusesAsync([replica], TimeSpan.FromSeconds(2)))[0];
        return status.Error is null ? status : null;
    }

    /// <summary>
    /// After a reconfigure or wipe heal: a replica that is a voter again (under a new incarnation, if wiped) no longer
    /// counts against the minority that may be lost. One the heal could not bring back stays counted until the
    /// end-of-run restore, so no later fault can add a second lost disk or a second missing voter to it.
    /// </summary>
    private void StillLostOrUndoom(FaultEvent e, int replica)
    {
        bool back;
        lock (_gate) back = _members.Contains(replica) && !_wiped.ContainsKey(replica);
        if (back) Undoom(replica);
        else _log.Write($"#{e.Id} replica {replica} is not back yet: it stays counted as lost until the end-of-run restore");
    }

    /// <summary>Records that membership fault <paramref name="e"/> took effect, with the faults in effect then.</summary>
    private void TookAmid(FaultEvent e, string detail)
    {
        var others = OthersInEffect(e);
        lock (_gate) _membershipTookEffect.Add(e.Id);
        _log.Took(e, others.Count == 0 ? detail : $"{detail}; amid {string.Join(", ", others)}");
    }

    private bool TryClaimMembership(FaultEvent e)
    {
        lock (_gate)
        {
            if (_membershipBusy) return false;
            _membershipBusy = true;
            _overlaps[e.Id] = [.. _inEffect.Where(p => p.Key != e.Id).Select(p => $"#{p.Key} {p.Value}")];
            return true;
        }
    }

    /// <summary>Ends membership fault <paramref name="e"/> (healed or skipped); one that took effect logs and counts
    /// the other faults it overlapped.</summary>
    private void ReleaseMembership(FaultEvent e)
    {
        SortedSet<string>? overlapped;
        bool took;
        lock (_gate)
        {
            _membershipBusy = false;
            _overlaps.Remove(e.Id, out overlapped);
            took = _membershipTookEffect.Remove(e.Id);
        }
        if (!took || overlapped is null) return;
        _log.Write(overlapped.Count == 0 ? $"#{e.Id} {e.Spec}: overlapped no other fault" : $"#{e.Id} {e.Spec}: overlapped {string.Join(", ", overlapped)}");
        if (overlapped.Count > 0) _log.MembershipAmidOtherFaults();
    }

    private static string Describe(IReadOnlyList<MemberInfo> members)
        => string.Join(", ", members.Select(m => $"{m.Replica}{(m.IsVoter ? "" : " (learner)")} inc {m.Incarnation}"));
}
