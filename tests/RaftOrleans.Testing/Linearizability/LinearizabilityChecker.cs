using System.Text;
using RaftOrleans.Testing.History;

namespace RaftOrleans.Testing.Linearizability;

/// <summary>
/// Checks a key-value client history for linearizability against a per-key register that may be
/// absent (Put / Get / Delete / Cas-on-value). Linearizability is compositional (Herlihy &amp; Wing
/// 1990), so each key is checked on its own, which keeps the search small.
/// </summary>
public static class LinearizabilityChecker
{
    /// <summary>Checks <paramref name="history"/>. Never hangs: a key whose search exceeds its
    /// budget is reported <see cref="LinearizabilityVerdict.Undecided"/>.</summary>
    /// <exception cref="ArgumentException">An operation is malformed (completes before its
    /// invocation, completes without an outcome, or writes no value).</exception>
    public static LinearizabilityResult Check(IEnumerable<HistoryOperation> history, LinearizabilityCheckerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(history);
        options ??= new LinearizabilityCheckerOptions();
        List<HistoryOperation> operations = history.ToList();
        List<KeyLinearizability> keys = operations
            .GroupBy(op => op.Key, StringComparer.Ordinal)
            .OrderBy(group => group.Key, StringComparer.Ordinal)
            .Select(group => CheckKey(group.Key, group.ToList(), options))
            .ToList();

        LinearizabilityVerdict verdict =
            keys.Any(k => k.Verdict == LinearizabilityVerdict.NotLinearizable) ? LinearizabilityVerdict.NotLinearizable
            : keys.Any(k => k.Verdict == LinearizabilityVerdict.Undecided) ? LinearizabilityVerdict.Undecided
            : LinearizabilityVerdict.Linearizable;
        var explanation = new StringBuilder(
            $"{verdict}: {operations.Count} operations on {keys.Count} keys, {keys.Sum(k => k.Steps)} search steps.");
        foreach (KeyLinearizability key in keys.Where(k => k.Explanation is not null))
            explanation.AppendLine().Append(key.Explanation);
        return new LinearizabilityResult { Verdict = verdict, OperationsChecked = operations.Count, Keys = keys, Explanation = explanation.ToString() };
    }

    private static KeyLinearizability CheckKey(string key, List<HistoryOperation> operations, LinearizabilityCheckerOptions options)
    {
        RegisterOp[] compiled = RegisterHistory.Compile(operations);
        WglSearch.Outcome outcome = new WglSearch(compiled).Run(options.StepBudgetPerKey);
        var result = new KeyLinearizability
        {
            Key = key,
            Verdict = outcome.Verdict,
            Operations = operations.Count,
            OperationsSearched = compiled.Length,
            Steps = outcome.Steps,
        };
        return outcome.Verdict switch
        {
            LinearizabilityVerdict.Linearizable => result,
            LinearizabilityVerdict.Undecided => result with
            {
                Explanation = $"key \"{key}\": UNDECIDED after {outcome.Steps - 1} search steps over {compiled.Length} operations "
                    + $"({operations.Count(op => op.IsIndeterminate)} indeterminate); raise StepBudgetPerKey or lower the concurrency.",
            },
            _ => Explain(key, operations, compiled, outcome, result, options),
        };
    }

    private static KeyLinearizability Explain(string key, List<HistoryOperation> operations, RegisterOp[] compiled,
        WglSearch.Outcome outcome, KeyLinearizability result, LinearizabilityCheckerOptions options)
    {
        HistoryOperation? stuck = outcome.StuckOp >= 0 ? compiled[outcome.StuckOp].Source : null;
        IReadOnlyList<HistoryOperation>? shrunk = options.ShrinkFailures ? HistoryShrinker.Shrink(operations, stuck, options) : null;
        IReadOnlyList<HistoryOperation> involved = shrunk ?? AroundStuckPoint(compiled, outcome, stuck);

        var text = new StringBuilder();
        text.Append($"key \"{key}\": NOT linearizable ({operations.Count} operations, {compiled.Length} searched, {outcome.Steps} steps).");
        if (shrunk is not null)
            text.AppendLine().Append($"  These {shrunk.Count} operations alone have no linearization:");
        else
            text.AppendLine().Append("  Operations around the point where every ordering failed:");
        foreach (HistoryOperation op in involved) text.AppendLine().Append("    ").Append(op);
        if (stuck is not null)
        {
            text.AppendLine().Append($"  The search linearized at most {outcome.LongestPrefix.Length} operations, then could not place {stuck}.");
            foreach (int op in outcome.LongestPrefix.TakeLast(5))
                text.AppendLine().Append("    after ").Append(compiled[op].Source);
        }
        return result with { Involved = involved, Explanation = text.ToString() };
    }

    /// <summary>The stuck operation, the operations overlapping it in time and the last few
    /// linearized before it: where to start reading when shrinking was not possible.</summary>
    private static IReadOnlyList<HistoryOperation> AroundStuckPoint(RegisterOp[] compiled, WglSearch.Outcome outcome, HistoryOperation? stuck)
    {
        if (stuck is null) return compiled.Select(op => op.Source).ToList();
        long end = stuck.CompleteTime ?? long.MaxValue;
        return compiled.Select(op => op.Source)
            .Where(op => op.InvokeTime <= end && (op.CompleteTime ?? long.MaxValue) >= stuck.InvokeTime)
            .Concat(outcome.LongestPrefix.TakeLast(5).Select(i => compiled[i].Source))
            .Distinct()
            .OrderBy(op => op.InvokeTime)
            .ToList();
    }
}
