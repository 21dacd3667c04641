using System.Diagnostics;
using RaftOrleans.Consensus;
using RaftOrleans.Grains;
using RaftOrleans.Testing.Cluster;

namespace RaftOrleans.Nemesis.Tests.Checks;

/// <summary>
/// End-of-run checks on the replicas themselves (hashicorp/raft's fuzzy verifier is the model):
/// after every fault healed, the members of the committed configuration settle on one leader with
/// identical applied state, every silo's durable log agrees with the others, and what they applied
/// matches what the ledger saw applied during the run.
/// </summary>
public static class Convergence
{
    /// <summary>
    /// Waits until one replica leads with its configuration committed and every member of that configuration
    /// (voters and learners) is reachable, shares its term, follows it, holds the same configuration (members, roles, incarnations), has applied
    /// exactly its commit index and holds its last index — twice in a row, so nothing was still moving. Replicas on
    /// silos outside the configuration (a removed spare) are not waited for, but none of them may claim to lead.
    /// Returns the members on success, else what was last seen.
    /// </summary>
    public static async Task<(string? Problem, IReadOnlyList<MemberInfo> Members)> WaitAsync(RaftTestCluster cluster, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        string? previous = null;
        var last = "no status yet";
        while (clock.Elapsed < timeout)
        {
            var statuses = await cluster.ReplicaStatusesAsync(cluster.SiloReplicaIds, TimeSpan.FromSeconds(2));
            var leaders = statuses.Where(s => s.Role == "Leader").ToList();
            var members = leaders.Count == 1 ? leaders[0].Members : [];
            var ids = members.Select(m => m.Replica).ToHashSet();
            last = string.Join("; ", statuses.Select(s => $"{s.Replica}{(ids.Contains(s.Replica) ? "" : " (not a member)")}:{s.Role} t{s.Term} c{s.Commit} a{s.Applied} l{s.LastIndex} cfg{s.ConfigurationIndex}{(s.Error is null ? "" : " " + s.Error)}"));
            var settled = leaders.Count == 1 && leaders[0].ConfigurationCommitted && ids.Count > 0
                && statuses.Where(s => ids.Contains(s.Replica)).All(s => s.Error is null && s.Term == leaders[0].Term && s.Leader == leaders[0].Replica
                    && s.Applied == leaders[0].Commit && s.Commit == leaders[0].Commit && s.LastIndex == leaders[0].LastIndex
                    && SameMembers(s.Members, members));
            if (settled && last == previous) return (null, members);
            previous = settled ? last : null;
            await Task.Delay(200); // polling a condition with a deadline
        }
        return ($"replicas did not converge within {timeout.TotalSeconds:0} s; last seen: {last}", []);
    }

    /// <summary>
    /// The same configuration: members, roles and incarnations. Not its log index: a replica filled by a snapshot
    /// reports the snapshot's index for the configuration the snapshot carries (SnapshotInstallTests sees 20911
    /// beside the others' 2 for one configuration).
    /// </summary>
    private static bool SameMembers(IReadOnlyList<MemberInfo> a, IReadOnlyList<MemberInfo> b)
        => a.Select(m => (m.Replica, m.IsVoter, m.Incarnation)).Order().SequenceEqual(b.Select(m => (m.Replica, m.IsVoter, m.Incarnation)).Order());

    /// <summary>Reads each key from the own state machine of each of <paramref name="replicas"/> (the members of the
    /// committed configuration); returns every disagreement.</summary>
    public static async Task<IReadOnlyList<string>> CompareStatesAsync(RaftTestCluster cluster, IReadOnlyList<int> replicas, IEnumerable<string> keys)
    {
        var problems = new List<string>();
        foreach (var key in keys)
        {
            var views = new List<(int Replica, KvResponse Response)>();
            foreach (var r in replicas)
            {
                views.Add((r, await cluster.Replica(r).ReadStale(key).WaitAsync(TimeSpan.FromSeconds(10))));
            }
            var distinct = views.Select(v => (v.Response.Status, v.Response.Value, v.Response.Revision)).Distinct().Count();
            if (distinct != 1)
            {
                problems.Add($"key {key}: replicas disagree: " + string.Join("; ", views.Select(v => $"{v.Replica}: {v.Response.Status} \"{v.Response.Value}\" rev {v.Response.Revision}")));
            }
        }
        return problems;
    }

    /// <summary>
    /// Reads the durable log of every silo's replica, members or not (a removed spare's log must still agree with the
    /// group's on what both committed), compares them pairwise (<see cref="DurableLog.Compare"/>) and compares every
    /// committed durable entry with the one the ledger saw applied at its index.
    /// </summary>
    /// <remarks>
    /// A wiped replica's old log is gone with its file; what it applied before the wipe is still in the ledger, which
    /// lives in the test process. Its new incarnation starts from a snapshot (its log from one past the snapshot) and
    /// re-applies entries other replicas applied first: identical entries at one index are one entry, not a conflict,
    /// so the ledger still catches any replica, in any incarnation, applying something else at an index.
    /// </remarks>
    public static async Task<(IReadOnlyList<string> Problems, long Entries)> CompareLogsAsync(RaftTestCluster cluster)
    {
        var logs = new List<DurableLog>();
        foreach (var r in cluster.SiloReplicaIds) logs.Add(await cluster.ReadDurableLogAsync(r));
        var problems = DurableLog.Compare(logs).ToList();
        foreach (var log in logs)
        {
            foreach (var entry in log.Entries.TakeWhile(e => e.Index <= log.Commit))
            {
                var applied = cluster.Ledger.At(entry.Index);
                if (applied is null)
                {
                    problems.Add($"replica {log.Replica}: committed index {entry.Index} was never applied by any replica");
                }
                else if (applied.Value.Term != entry.Term || applied.Value.Type != (EntryType)entry.Type || applied.Value.Digest != AppliedEntryLedger.Digest(entry.Data))
                {
                    problems.Add($"replica {log.Replica}: durable committed index {entry.Index} (term {entry.Term}) differs from the entry applied there (term {applied.Value.Term})");
                }
            }
        }
        return (problems, logs.Max(l => (long)l.Entries.Count));
    }
}
