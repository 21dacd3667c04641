namespace RaftOrleans.Bench.Soak;

/// <summary>One of the soak targets, judged on a ratio from one run.</summary>
/// <param name="Goal">The target in words.</param>
/// <param name="AtLeast">True when the ratio must be at least <paramref name="Bound"/>, false when at most.</param>
/// <param name="Bound">The bound on the ratio.</param>
/// <param name="Ratio">The measured ratio, or null when not measured.</param>
/// <param name="Detail">The values the ratio was computed from.</param>
public sealed record SoakGoal(string Goal, bool AtLeast, double Bound, double? Ratio, string Detail)
{
    /// <summary>Met, not met, or null when not measured.</summary>
    public bool? Met => Ratio is { } r ? (AtLeast ? r >= Bound : r <= Bound) : null;
}
