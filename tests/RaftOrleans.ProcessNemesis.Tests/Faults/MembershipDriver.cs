using System.Diagnostics;
using RaftOrleans.Grains;

namespace RaftOrleans.ProcessNemesis.Tests.Faults;

/// <summary>
/// Drives the group's configuration to a target set of voters through the .NET API
/// (<see cref="RaftKeyValueStore.RemoveMemberAsync"/>, <see cref="RaftKeyValueStore.AddMemberAsync"/> as a
/// learner, <see cref="RaftKeyValueStore.PromoteMemberAsync"/>), one single-server step at a time, as an
/// operator would under faults. It is state-driven rather than a fixed script: every round it reads the
/// configuration in force at the newest leader and takes the next step from there, so a step whose answer
/// was lost, a change a deposed leader never committed, or a gateway's late retry of an earlier step
/// (which can undo a later one) is simply taken again. Every answer is recorded. Changes are counted as the
/// leader's committed configuration (its voters and learners) differing from the one the driver saw last, not
/// by Ok answers: a change whose answer was lost (the client gave up while it committed) still counts, a
/// refused one does not. Not by its index either: a replica that loaded its configuration from a snapshot
/// reports the snapshot's index for it (the configuration's own index is not kept through compaction).
/// </summary>
public sealed class MembershipDriver(ProcessNemesisCluster cluster, ProcessFaultLog log)
{
    /// <summary>How long one membership call may take before it is given up and the state re-read.</summary>
    private static readonly TimeSpan CallDeadline = ProcessNemesisCluster.ClientResponseTimeout + TimeSpan.FromSeconds(1);

    private int _changes;
    private int _answered;
    private int _refused;
    private string? _configuration;

    /// <summary>Committed configuration changes seen (a learner added, promoted, or a member removed): the
    /// leader's committed configuration differed from the previous one seen that many times. Two changes
    /// committed between two reads count as one, so this is a lower bound.</summary>
    public int Changes => Volatile.Read(ref _changes);

    /// <summary>Steps answered Ok.</summary>
    public int Answered => Volatile.Read(ref _answered);

    /// <summary>Steps answered anything else or not answered in time (then retried).</summary>
    public int Refused => Volatile.Read(ref _refused);

    /// <summary>
    /// Takes steps until the newest leader is one of <paramref name="voters"/> and holds a committed
    /// configuration of exactly those voters and no learners, or until <paramref name="timeout"/>.
    /// Returns null when reached, else what was last seen. A removed leader is therefore seen to have
    /// stepped down: the leader that ends this is a member of the new configuration.
    /// </summary>
    public async Task<string?> ReachAsync(IReadOnlyCollection<int> voters, TimeSpan timeout, string why)
    {
        var target = voters.ToHashSet();
        var clock = Stopwatch.StartNew();
        var last = "no status yet";
        string? lastRefusal = null;
        log.Write($"  {why}: driving the configuration to voters [{string.Join(',', target.Order())}]");
        while (clock.Elapsed < timeout)
        {
            var status = await cluster.TryStatusAsync();
            var leader = ProcessNemesisCluster.NewestLeader(status);
            last = leader is null ? $"no leader ({ProcessNemesisCluster.Describe(status)})"
                : $"leader {leader.Replica} t{leader.Term}, {ProcessNemesisCluster.DescribeMembers(leader.Members)} at index {leader.ConfigurationIndex} (committed: {leader.ConfigurationCommitted})";
            if (leader is null || !leader.ConfigurationCommitted)
            {
                // An election or a change still committing: nothing to decide from yet. Poll interval, not synchronisation.
                await Task.Delay(250);
                continue;
            }
            Observe(leader);
            var members = leader.Members;
            if (IsReached(leader, target))
            {
                log.Write($"  {why}: reached in {clock.Elapsed.TotalSeconds:0.0}s: {last}");
                return null;
            }
            if (NextStep(members, target) is not { } step)
            {
                // The configuration is the target but its leader is being removed: the hand-over is under way.
                await Task.Delay(250);
                continue;
            }
            var what = step.ToString();
            var silo = cluster.SiloOf(step.Replica).Name;
            var store = cluster.Clients.Next();
            string outcome;
            try
            {
                var response = await (step.Kind switch
                {
                    MembershipChangeKind.Remove => store.RemoveMemberAsync(step.Replica),
                    MembershipChangeKind.AddLearner => store.AddMemberAsync(silo, learner: true),
                    _ => store.PromoteMemberAsync(step.Replica),
                }).WaitAsync(CallDeadline);
                if (response.IsOk)
                {
                    Interlocked.Increment(ref _answered);
                    log.Write($"  {what}: ok at index {response.Revision} ({response.Message})");
                    continue;
                }
                outcome = $"{response.Status}: {response.Message}";
            }
            catch (Exception ex)
            {
                outcome = $"no answer: {ex.GetType().Name} {ex.Message.Split('\n')[0]}";
            }
            Interlocked.Increment(ref _refused);
            // The same refusal over and over (a learner catching up) is logged once.
            if ($"{what} {outcome}" != lastRefusal) log.Write($"  {what}: {outcome}; retried");
            lastRefusal = $"{what} {outcome}";
            // Poll interval before the retry, not synchronisation: the next round re-reads the state.
            await Task.Delay(300);
        }
        log.Write($"  {why}: NOT reached within {timeout.TotalSeconds:0}s; last seen: {last}");
        return $"{why}: the configuration did not reach voters [{string.Join(',', target.Order())}] within {timeout.TotalSeconds:0} s; last seen: {last}";
    }

    /// <summary>Counts a committed configuration other than the last one seen (the first one seen is the start).</summary>
    private void Observe(ReplicaStatus leader)
    {
        var configuration = ProcessNemesisCluster.DescribeMembers(leader.Members);
        if (_configuration is not null && configuration != _configuration) Interlocked.Increment(ref _changes);
        _configuration = configuration;
    }

    /// <summary>
    /// True when <paramref name="leader"/> (the newest leader) holds a committed configuration of exactly
    /// <paramref name="target"/> as voters, no learners, and is itself one of them: a leader that removed
    /// itself has handed over.
    /// </summary>
    public static bool IsReached(ReplicaStatus leader, IReadOnlySet<int> target)
        => leader.ConfigurationCommitted && leader.Members.All(m => m.IsVoter)
            && leader.Members.Select(m => m.Replica).ToHashSet().SetEquals(target) && target.Contains(leader.Replica);

    /// <summary>
    /// The next single-server step from <paramref name="members"/> towards <paramref name="target"/>, or
    /// null when the members are the target already: removals first (a replica re-added under the same id,
    /// a wiped one, must leave first), then adds as learners, then promotions.
    /// </summary>
    public static MembershipStep? NextStep(IReadOnlyList<MemberInfo> members, IReadOnlySet<int> target)
    {
        if (members.FirstOrDefault(m => !target.Contains(m.Replica)) is { } extra) return new(MembershipChangeKind.Remove, extra.Replica);
        if (target.Order().FirstOrDefault(id => members.All(m => m.Replica != id)) is var missing and > 0) return new(MembershipChangeKind.AddLearner, missing);
        if (members.FirstOrDefault(m => !m.IsVoter) is { } learner) return new(MembershipChangeKind.Promote, learner.Replica);
        return null;
    }
}

/// <summary>One single-server membership step the <see cref="MembershipDriver"/> takes.</summary>
public readonly record struct MembershipStep(MembershipChangeKind Kind, int Replica)
{
    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        MembershipChangeKind.Remove => $"remove {Replica}",
        MembershipChangeKind.AddLearner => $"add silo{Replica} as learner",
        _ => $"promote {Replica}",
    };
}
