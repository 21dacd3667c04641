using RaftOrleans.Testing.History;

namespace RaftOrleans.Testing.Linearizability;

/// <summary>The check of one key's sub-history.</summary>
public sealed record KeyLinearizability
{
    /// <summary>The key.</summary>
    public required string Key { get; init; }

    /// <summary>The answer for this key.</summary>
    public required LinearizabilityVerdict Verdict { get; init; }

    /// <summary>Operations on this key in the history.</summary>
    public required int Operations { get; init; }

    /// <summary>Operations the search had to order, after dropping those that cannot matter
    /// (indeterminate reads, indeterminate writes of a value nobody observed).</summary>
    public required int OperationsSearched { get; init; }

    /// <summary>Search steps spent.</summary>
    public required long Steps { get; init; }

    /// <summary>On failure: a small subset of this key's operations that already has no
    /// linearization (or, if shrinking was not possible, the operations around the point where the
    /// search got stuck). Empty otherwise.</summary>
    public IReadOnlyList<HistoryOperation> Involved { get; init; } = [];

    /// <summary>On failure or undecided: a readable explanation. Null otherwise.</summary>
    public string? Explanation { get; init; }
}

/// <summary>The result of <see cref="LinearizabilityChecker.Check"/>.</summary>
public sealed class LinearizabilityResult
{
    /// <summary>NotLinearizable if any key is; else Undecided if any key is; else Linearizable.</summary>
    public required LinearizabilityVerdict Verdict { get; init; }

    /// <summary>True only when the whole history is linearizable.</summary>
    public bool Ok => Verdict == LinearizabilityVerdict.Linearizable;

    /// <summary>Operations in the history.</summary>
    public required int OperationsChecked { get; init; }

    /// <summary>Per-key results, in ordinal key order.</summary>
    public required IReadOnlyList<KeyLinearizability> Keys { get; init; }

    /// <summary>A summary; on failure, the explanation of every failing or undecided key.</summary>
    public required string Explanation { get; init; }
}
