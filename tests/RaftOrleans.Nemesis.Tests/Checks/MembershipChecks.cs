using RaftOrleans.Grains;

namespace RaftOrleans.Nemesis.Tests.Checks;

/// <summary>
/// What membership faults must leave behind, as checks on evidence (a replica's status, the committed members), each
/// returning null when it holds or the violation described: a replica back on a blank disk is not counted until it is
/// replaced, a replaced one is recorded under a new incarnation, and the end of a run restores the first configuration.
/// </summary>
public static class MembershipChecks
{
    /// <summary>
    /// A replica restarted on a blank disk under a voter's name, not yet removed, is a stranger to the group (its
    /// messages carry another incarnation than <paramref name="recorded"/>): its acknowledgements never count, so it
    /// can never learn of a commit. Any commit or applied index above 0 means the group counted it (docs/disk-loss.md).
    /// </summary>
    public static string? CountedWhileBlank(ReplicaStatus blank, long recorded)
    {
        ArgumentNullException.ThrowIfNull(blank);
        if (blank.Commit == 0 && blank.Applied == 0) return null;
        return $"replica {blank.Replica}, back on a blank disk and still recorded under its lost incarnation {recorded}, "
            + $"was brought up to date: commit {blank.Commit}, applied {blank.Applied}, term {blank.Term}, {blank.Role} (the group counted a replica it must ignore)";
    }

    /// <summary>A wiped replica removed and added back must be recorded under a new, known incarnation (not the lost disk's).</summary>
    public static string? NewIncarnationProblem(MemberInfo member, long lost)
    {
        ArgumentNullException.ThrowIfNull(member);
        if (member.Incarnation != 0 && member.Incarnation != lost) return null;
        return $"replica {member.Replica} was replaced after its disk was wiped, yet is recorded under incarnation {member.Incarnation} "
            + (member.Incarnation == 0 ? "(none)" : "(the lost disk's)");
    }

    /// <summary>
    /// The first configuration: exactly the replicas 1..<paramref name="replicas"/>, every one a voter (no learner left
    /// half-added, no spare left in), and none of the <paramref name="wiped"/> replicas still under its lost incarnation.
    /// </summary>
    public static string? FirstConfigurationProblem(IReadOnlyList<MemberInfo> members, int replicas, IReadOnlyDictionary<int, long> wiped)
    {
        ArgumentNullException.ThrowIfNull(members);
        ArgumentNullException.ThrowIfNull(wiped);
        var problems = new List<string>();
        var ids = members.Select(m => m.Replica).ToHashSet();
        var missing = Enumerable.Range(1, replicas).Where(r => !ids.Contains(r)).ToList();
        if (missing.Count > 0) problems.Add($"replicas {string.Join(", ", missing)} are not members");
        var extra = ids.Where(r => r < 1 || r > replicas).Order().ToList();
        if (extra.Count > 0) problems.Add($"replicas {string.Join(", ", extra)} are members but were not in the first configuration");
        var learners = members.Where(m => !m.IsVoter).Select(m => m.Replica).Order().ToList();
        if (learners.Count > 0) problems.Add($"replicas {string.Join(", ", learners)} are learners");
        var stale = members.Where(m => wiped.TryGetValue(m.Replica, out var lost) && m.Incarnation == lost).Select(m => m.Replica).Order().ToList();
        if (stale.Count > 0) problems.Add($"replicas {string.Join(", ", stale)} are still recorded under the incarnation of a wiped disk");
        return problems.Count == 0 ? null : string.Join("; ", problems);
    }
}
