namespace RaftOrleans.Consensus.Tests.Simulation;

/// <summary>A checked property failed. <see cref="Invariant"/> names it ("election safety", ...).</summary>
internal sealed class SafetyViolationException(string invariant, string detail) : Exception($"{invariant} violated: {detail}")
{
    /// <summary>The property that failed.</summary>
    public string Invariant { get; } = invariant;
}
