using System.Diagnostics;
using RaftOrleans.Consensus;
using RaftOrleans.Grains;
using RaftOrleans.Testing.Cluster;

namespace RaftOrleans.Nemesis.Tests.Checks;

/// <summary>
/// End-of-run checks on the replicas themselves (hashicorp/raft's fuzzy verifier is the model):
/// after every fault healed, all replicas settle on one leader with identical applied state and
/// identical durable logs, and what they applied matches what the ledger saw applied during the run.
/// </summary>
public static class Convergence
{
    /// <summary>
    /// Waits until every replica is reachable, exactly one leads, all share its term, every replica
    /// has applied exactly the leader's commit index and holds the leader's last index — twice in a
    /// row, so nothing was still moving. Returns null on success, else what was last seen.
    /// </summary>
    public static async Task<string?> WaitAsync(RaftTestCluster cluster, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        string? previous = null;
        var last = "no status yet";
        while (clock.Elapsed < timeout)
        {
            var statuses = await cluster.ReplicaStatusesAsync(TimeSpan.FromSeconds(2));
            last = string.Join("; ", statuses.Select(s => $"{s.Replica}:{s.Role} t{s.Term} c{s.Commit} a{s.Applied} l{s.LastIndex}{(s.Error is null ? "" : " " + s.Error)}"));
            var leaders = statuses.Where(s => s.Role == "Leader").ToList();
            var settled = statuses.All(s => s.Error is null) && leaders.Count == 1
                && statuses.All(s => s.Term == leaders[0].Term && s.Leader == leaders[0].Replica
                    && s.Applied == leaders[0].Commit && s.Commit == leaders[0].Commit && s.LastIndex == leaders[0].LastIndex);
            if (settled && last == previous) return null;
            previous = settled ? last : null;
            await Task.Delay(200);
        }
        return $"replicas did not converge within {timeout.TotalSeconds:0} s; last seen: {last}";
    }

    /// <summary>Reads each key from each replica's own state machine; returns every disagreement.</summary>
    public static async Task<IReadOnlyList<string>> CompareStatesAsync(RaftTestCluster cluster, IEnumerable<string> keys)
    {
        var problems = new List<string>();
        foreach (var key in keys)
        {
            var views = new List<(int Replica, KvResponse Response)>();
            for (var r = 1; r <= cluster.ReplicaCount; r++)
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
    /// Reads every replica's durable log, compares them pairwise (<see cref="DurableLog.Compare"/>) and
    /// compares every committed durable entry with the one the ledger saw applied at its index.
    /// </summary>
    public static async Task<(IReadOnlyList<string> Problems, long Entries)> CompareLogsAsync(RaftTestCluster cluster)
    {
        var logs = new List<DurableLog>();
        for (var r = 1; r <= cluster.ReplicaCount; r++) logs.Add(await cluster.ReadDurableLogAsync(r));
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
