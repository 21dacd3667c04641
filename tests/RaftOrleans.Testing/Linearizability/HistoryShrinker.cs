using RaftOrleans.Testing.History;

namespace RaftOrleans.Testing.Linearizability;

/// <summary>
/// Finds a small subset of a non-linearizable key history that is itself not linearizable, so a
/// failure report shows the few operations that contradict each other instead of hundreds.
/// Greedy one-at-a-time removal: the result is 1-minimal (removing any single operation makes it
/// linearizable or leaves an observed value without its writer).
/// </summary>
internal static class HistoryShrinker
{
    /// <summary>Returns the shrunk subset in invocation order, or null when the history is too large
    /// (see <see cref="LinearizabilityCheckerOptions.MaxOperationsToShrink"/>).</summary>
    public static IReadOnlyList<HistoryOperation>? Shrink(
        IReadOnlyList<HistoryOperation> operations, HistoryOperation? stuckAt, LinearizabilityCheckerOptions options)
    {
        List<HistoryOperation> current = operations.OrderBy(op => op.InvokeTime).ThenBy(op => op.Id).ToList();
        if (current.Count > options.MaxOperationsToShrink && stuckAt?.CompleteTime is long stuckTime)
        {
            // Operations invoked after the stuck operation completed must be ordered after it; the
            // contradiction usually lies before that point, so try the cut history first.
            List<HistoryOperation> cut = current.Where(op => op.InvokeTime <= stuckTime).ToList();
            if (cut.Count < current.Count && Fails(cut, options)) current = cut;
        }
        if (current.Count > options.MaxOperationsToShrink) return null;

        // Later operations first: the earliest contradiction tends to survive.
        for (int i = current.Count - 1; i >= 0; i--)
        {
            if (WouldOrphanAnObservation(current, i)) continue;
            var candidate = new List<HistoryOperation>(current);
            candidate.RemoveAt(i);
            if (Fails(candidate, options)) current = candidate;
        }
        return current;
    }

    private static bool Fails(List<HistoryOperation> operations, LinearizabilityCheckerOptions options) =>
        new WglSearch(RegisterHistory.Compile(operations)).Run(options.StepBudgetPerShrinkCheck).Verdict
            == LinearizabilityVerdict.NotLinearizable;

    /// <summary>
    /// Removing the only writer of a value that another kept operation observed would turn the
    /// report into "read a value never written", a different (and misleading) contradiction.
    /// </summary>
    private static bool WouldOrphanAnObservation(List<HistoryOperation> operations, int index)
    {
        HistoryOperation removed = operations[index];
        if (removed.Kind is not (HistoryOpKind.Put or HistoryOpKind.Cas) || removed.Value is not string value) return false;
        bool anotherWriter = operations.Where((op, i) => i != index)
            .Any(op => op.Kind is HistoryOpKind.Put or HistoryOpKind.Cas && op.Value == value);
        if (anotherWriter) return false;
        return operations.Where((op, i) => i != index).Any(op => Observes(op, value));
    }

    private static bool Observes(HistoryOperation op, string value) => op.Kind switch
    {
        HistoryOpKind.Get => op.Outcome == HistoryOutcome.Ok && op.ReadValue == value,
        HistoryOpKind.Delete => op.Outcome == HistoryOutcome.Ok && op.ReadValue == value,
        HistoryOpKind.Cas => op.ExpectedValue == value || (op.Outcome == HistoryOutcome.CasConflict && op.ReadValue == value),
        _ => false,
    };
}
