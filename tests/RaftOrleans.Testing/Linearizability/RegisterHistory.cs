using RaftOrleans.Testing.History;

namespace RaftOrleans.Testing.Linearizability;

/// <summary>Turns one key's operations into <see cref="RegisterOp"/>s for the search.</summary>
internal static class RegisterHistory
{
    /// <summary>
    /// Compiles <paramref name="operations"/> (all on one key), dropping operations that cannot change
    /// the verdict, because each indeterminate operation doubles the orders to try:
    /// <list type="bullet">
    /// <item>indeterminate reads: they change nothing and nobody saw their answer;</item>
    /// <item>indeterminate Put / Cas whose value nobody observed. If a linearization takes such a
    /// write, the key holds an unobserved value until the next write that does not look at the old
    /// value (a Put or an indeterminate Delete), and no read or conditional write can sit in between;
    /// so dropping the write leaves a valid linearization. This needs every successful Delete to
    /// record the value it removed; if one did not, nothing is dropped.</item>
    /// </list>
    /// </summary>
    public static RegisterOp[] Compile(IReadOnlyList<HistoryOperation> operations)
    {
        var values = new Dictionary<string, int>(StringComparer.Ordinal);
        int Intern(string? value)
        {
            if (value is null) return RegisterOp.Absent;
            if (!values.TryGetValue(value, out int id))
            {
                id = values.Count + 1;
                values.Add(value, id);
            }
            return id;
        }

        var compiled = new List<RegisterOp>(operations.Count);
        foreach (HistoryOperation op in operations)
        {
            Validate(op);
            if (op.IsIndeterminate && op.Kind == HistoryOpKind.Get) continue;
            bool readKnown = op.ReadValue is not null || (op.Kind, op.Outcome) is (HistoryOpKind.Cas, HistoryOutcome.CasConflict);
            compiled.Add(new RegisterOp(
                op, op.Kind, op.IsIndeterminate ? null : op.Outcome,
                Intern(op.Value), Intern(op.ExpectedValue), Intern(op.ReadValue), readKnown,
                op.InvokeTime, op.CompleteTime ?? long.MaxValue));
        }

        bool everyDeleteRecordsItsValue = compiled.All(op => !(op.Kind == HistoryOpKind.Delete && op.Outcome == HistoryOutcome.Ok && !op.ReadKnown));
        if (!everyDeleteRecordsItsValue) return compiled.ToArray();
        var observed = compiled.SelectMany(op => op.Observed()).ToHashSet();
        return compiled
            .Where(op => !(op.Pending && op.Kind is HistoryOpKind.Put or HistoryOpKind.Cas && !observed.Contains(op.Value)))
            .ToArray();
    }

    private static void Validate(HistoryOperation op)
    {
        if (op.CompleteTime is long complete)
        {
            if (complete < op.InvokeTime)
                throw new ArgumentException($"Operation {op} completes before it is invoked.");
            if (op.Outcome is null)
                throw new ArgumentException($"Operation {op} has a completion time but no outcome.");
        }
        if (op.Kind is HistoryOpKind.Put or HistoryOpKind.Cas && op.Value is null)
            throw new ArgumentException($"Operation {op} writes no value.");
    }
}
