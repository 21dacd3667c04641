using RaftOrleans.Grains;
using RaftOrleans.Testing.Checks;
using RaftOrleans.Testing.Cluster;
using RaftOrleans.Testing.History;
using RaftOrleans.Testing.Linearizability;
using RaftOrleans.Testing.Workload;

namespace RaftOrleans.Nemesis.Tests.Checks;

/// <summary>What <see cref="EndOfRun.VerifyAsync"/> found.</summary>
/// <param name="Failures">Every check that failed, described (empty: all passed).</param>
/// <param name="Violations">Keys whose history has no linearization.</param>
/// <param name="Undecided">Keys the checker could not decide within its budget.</param>
/// <param name="LostWrites">Acknowledged writes missing from the final state without a later overwrite.</param>
/// <param name="LogEntries">Entries in the longest durable log.</param>
/// <param name="Checker">The linearizability checker's summary line (operations, keys, search steps).</param>
public sealed record Verification(IReadOnlyList<string> Failures, int Violations, int Undecided, int LostWrites, long LogEntries, string Checker);

/// <summary>
/// The checks every run ends with, once faults are healed and clients stopped: the replicas
/// converge, every key is read back through the gateway (recorded in the history), every replica
/// holds the same state and the same durable log, no two entries were ever applied at one index,
/// the history is linearizable and no acknowledged write is lost.
/// </summary>
public static class EndOfRun
{
    /// <summary>Runs every check on <paramref name="cluster"/> and the history in <paramref name="recorder"/>.</summary>
    public static async Task<Verification> VerifyAsync(RaftTestCluster cluster, HistoryRecorder recorder, IReadOnlyList<string> keys, TimeSpan clientDeadline)
    {
        var failures = new List<string>();
        var (stuck, members) = await Convergence.WaitAsync(cluster, TimeSpan.FromSeconds(60));
        if (stuck is not null) failures.Add(stuck);
        // The nemesis restored the first configuration before these checks; anything else is a failed restore.
        else if (MembershipChecks.FirstConfigurationProblem(members, cluster.ReplicaCount, new Dictionary<int, long>()) is { } configuration)
            failures.Add("the configuration at the end is not the first one: " + configuration);
        var finalValues = await FinalReadsAsync(cluster, recorder, keys, clientDeadline, failures);
        var replicas = members.Count > 0 ? members.Select(m => m.Replica).ToList() : [.. cluster.ReplicaIds];
        failures.AddRange(await Convergence.CompareStatesAsync(cluster, replicas, keys));
        var (logProblems, logEntries) = await Convergence.CompareLogsAsync(cluster);
        failures.AddRange(logProblems);
        failures.AddRange(cluster.Ledger.Conflicts.Select(c => "two entries applied at one index: " + c));

        var history = recorder.Snapshot();
        var result = LinearizabilityChecker.Check(history);
        if (!result.Ok) failures.Add(result.Explanation);
        var lost = AcknowledgedWrites.FindLost(history, finalValues);
        failures.AddRange(lost);
        return new Verification(
            failures,
            result.Keys.Count(k => k.Verdict == LinearizabilityVerdict.NotLinearizable),
            result.Keys.Count(k => k.Verdict == LinearizabilityVerdict.Undecided),
            lost.Count,
            logEntries,
            result.Explanation.Split('\n')[0].TrimEnd());
    }

    /// <summary>Reads every key through the gateway (see <see cref="FinalReads.ReadAllAsync"/>).</summary>
    public static Task<Dictionary<string, string?>> FinalReadsAsync(RaftTestCluster cluster, HistoryRecorder recorder, IReadOnlyList<string> keys, TimeSpan clientDeadline, List<string> failures)
        => FinalReads.ReadAllAsync(() => cluster.Store, recorder, keys, clientDeadline, failures);
}
