using RaftOrleans.Testing.History;

namespace RaftOrleans.Testing.Checks;

/// <summary>
/// Jepsen's "lost acknowledged writes", asked directly of the final state: every write a client
/// saw succeed must be the key's final value, or be overwritten legitimately — by another write
/// (put, swap or delete, acknowledged or indeterminate) that could have taken effect after it,
/// that is, one that did not finish before it began. And a final value must have been written by
/// someone. Weaker than the linearizability check (which also covers this, through the final
/// reads), but it names the write that was lost.
/// </summary>
public static class AcknowledgedWrites
{
    /// <summary>Returns one line per lost write or impossible final value (empty when none).</summary>
    /// <param name="history">Every operation of the run.</param>
    /// <param name="finalValues">Each key's final value (null = absent), read after the cluster converged.</param>
    public static IReadOnlyList<string> FindLost(IReadOnlyList<HistoryOperation> history, IReadOnlyDictionary<string, string?> finalValues)
    {
        var problems = new List<string>();
        foreach (var (key, final) in finalValues.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var ops = history.Where(op => op.Key == key).ToList();
            var changes = ops.Where(MayChange).ToList();
            if (final is not null && !ops.Any(op => op.Value == final && op.Kind is HistoryOpKind.Put or HistoryOpKind.Cas && MayChange(op)))
            {
                problems.Add($"key {key}: final value \"{final}\" was never written by any operation that may have taken effect");
            }
            foreach (var write in ops.Where(IsAcknowledgedWrite))
            {
                if (write.Value == final) continue;
                var overwritten = changes.Any(other => other.Id != write.Id && (other.CompleteTime ?? long.MaxValue) > write.InvokeTime);
                if (!overwritten)
                {
                    problems.Add($"key {key}: acknowledged {write} is lost: the final value is {(final is null ? "absent" : $"\"{final}\"")} and no write could have come after it");
                }
            }
        }
        return problems;
    }

    private static bool IsAcknowledgedWrite(HistoryOperation op)
        => op.Outcome == HistoryOutcome.Ok && op.Kind is HistoryOpKind.Put or HistoryOpKind.Cas;

    /// <summary>An operation that changed the key, or may have: acknowledged or indeterminate writes and deletes.</summary>
    private static bool MayChange(HistoryOperation op)
        => op.Kind is HistoryOpKind.Put or HistoryOpKind.Cas or HistoryOpKind.Delete
           && (op.IsIndeterminate || op.Outcome == HistoryOutcome.Ok);
}
