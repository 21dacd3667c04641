namespace RaftOrleans.Bench.Targets;

/// <summary>How one operation against a target ended.</summary>
public enum OpOutcome
{
    /// <summary>The operation succeeded.</summary>
    Ok,
    /// <summary>A read found no value (still a served operation).</summary>
    NotFound,
    /// <summary>A compare-and-swap's condition did not hold (still a served operation).</summary>
    Conflict,
    /// <summary>The target did not serve the operation (unavailable, timeout, exception).</summary>
    Error,
}

/// <summary>The result of one operation: its outcome, the current value a conflict or read reported, and why it failed.</summary>
/// <param name="Outcome">How it ended.</param>
/// <param name="Value">The value read, or the current value on a conflict.</param>
/// <param name="Error">Why it failed, when <paramref name="Outcome"/> is <see cref="OpOutcome.Error"/>.</param>
public readonly record struct OpResult(OpOutcome Outcome, string? Value = null, string? Error = null)
{
    /// <summary>A success with no value.</summary>
    public static OpResult Ok() => new(OpOutcome.Ok);
    /// <summary>A failure with a reason.</summary>
    public static OpResult Failed(string error) => new(OpOutcome.Error, Error: error);
    /// <summary>True unless the target failed to serve the operation.</summary>
    public bool Served => Outcome != OpOutcome.Error;
}
