using System.Globalization;
using System.Text;

namespace RaftOrleans.Nemesis.Tests.Harness;

/// <summary>The numbers and verdicts of one nemesis run; <see cref="Failures"/> empty means it passed.</summary>
public sealed record NemesisRunReport
{
    /// <summary>The plan that ran.</summary>
    public required RunPlan Plan { get; init; }

    /// <summary>Every check that failed, described. Empty when the run passed.</summary>
    public required IReadOnlyList<string> Failures { get; init; }

    /// <summary>Operations in the history (final reads included).</summary>
    public required int Operations { get; init; }

    /// <summary>Operations whose outcome the client never learned.</summary>
    public required int Indeterminate { get; init; }

    /// <summary>What the clients saw, by kind and outcome.</summary>
    public required string Outcomes { get; init; }

    /// <summary>Faults that took effect, by spec.</summary>
    public required IReadOnlyDictionary<string, int> Faults { get; init; }

    /// <summary>Membership changes the nemesis asked for and saw committed.</summary>
    public int MembershipChanges { get; init; }

    /// <summary>Membership faults that overlapped other faults (see <see cref="Faults.FaultLog.MembershipFaultsAmidOthers"/>).</summary>
    public int MembershipFaultsAmidOthers { get; init; }

    /// <summary>Linearizability violations found (keys whose history has no linearization).</summary>
    public required int LinearizabilityViolations { get; init; }

    /// <summary>Keys the checker could not decide within its budget.</summary>
    public required int UndecidedKeys { get; init; }

    /// <summary>Acknowledged writes missing from the final state without a later overwrite.</summary>
    public required int LostWrites { get; init; }

    /// <summary>Log entries the leader's durable log held at the end.</summary>
    public required long LogEntries { get; init; }

    /// <summary>Messages the network dropped / delayed.</summary>
    public required (long Dropped, long Delayed) Messages { get; init; }

    /// <summary>Wall time of the whole run, cluster start to dispose.</summary>
    public required TimeSpan Elapsed { get; init; }

    /// <summary>The full failure description: plan, replay command, failures, numbers, schedule, what the nemesis did, the cluster's state and log.</summary>
    public string Details { get; init; } = "";

    /// <summary>True when every check passed.</summary>
    public bool Passed => Failures.Count == 0;

    /// <summary>One line: seed, verdict, numbers.</summary>
    public string Summary => string.Create(CultureInfo.InvariantCulture,
        $"{(Passed ? "PASS" : "FAIL")} {Plan}: {Operations} ops ({Indeterminate} indeterminate), {Faults.Values.Sum()} faults, {MembershipChanges} membership changes, {LogEntries} log entries, "
        + $"{LinearizabilityViolations} linearizability violations, {LostWrites} lost writes, {Messages.Dropped} msgs dropped, {Elapsed.TotalSeconds:0} s wall");

    /// <summary>The failure message: everything needed to understand and replay the run.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.AppendLine(Summary);
        sb.AppendLine("Replay: " + Plan.ReplayCommand);
        if (Failures.Count > 0)
        {
            sb.AppendLine("Failures:");
            foreach (var f in Failures) sb.AppendLine(" - " + f);
        }
        sb.AppendLine("Outcomes: " + Outcomes);
        sb.AppendLine("Faults injected: " + string.Join(", ", Faults.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}")));
        sb.Append(Details);
        return sb.ToString();
    }
}
