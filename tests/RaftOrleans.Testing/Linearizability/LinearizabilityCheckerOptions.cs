namespace RaftOrleans.Testing.Linearizability;

/// <summary>Bounds for <see cref="LinearizabilityChecker"/>. Checking is NP-complete in general; the
/// budgets turn a pathological history into an "undecided" answer instead of a hang.</summary>
public sealed record LinearizabilityCheckerOptions
{
    /// <summary>Most search steps for one key before the key is reported undecided.</summary>
    public long StepBudgetPerKey { get; init; } = 5_000_000;

    /// <summary>On failure, look for a small contradicting subset of the key's operations.</summary>
    public bool ShrinkFailures { get; init; } = true;

    /// <summary>Shrink only failing keys with at most this many operations (after cutting the
    /// history at the point where the search got stuck), since shrinking re-checks once per operation.</summary>
    public int MaxOperationsToShrink { get; init; } = 400;

    /// <summary>Step budget of each re-check while shrinking; a re-check that runs out keeps the operation.</summary>
    public long StepBudgetPerShrinkCheck { get; init; } = 200_000;
}
