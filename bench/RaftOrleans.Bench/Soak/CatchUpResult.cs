namespace RaftOrleans.Bench.Soak;

/// <summary>
/// One timed return of a follower: from the moment its start command ran until it was a follower whose
/// applied index reached the leader's commit index read at that moment.
/// </summary>
public sealed record CatchUpResult
{
    /// <summary>Kind of measurement: see <see cref="CatchUpKinds"/>.</summary>
    public required string Kind { get; init; }
    /// <summary>The member restarted.</summary>
    public required string Member { get; init; }
    /// <summary>Puts served before the measurement (how much history the cluster had).</summary>
    public long AfterPuts { get; init; }
    /// <summary>The leader's commit index when the member was started: the index it had to apply.</summary>
    public long TargetIndex { get; init; }
    /// <summary>The member's applied index when it was started, as last seen before it went down (null when not seen).</summary>
    public long? MemberIndexBefore { get; init; }
    /// <summary>Seconds the member was down (kill to start).</summary>
    public double DownSeconds { get; init; }
    /// <summary>Milliseconds from the start command to a caught-up follower; null when the deadline passed first.</summary>
    public double? CaughtUpMs { get; init; }
    /// <summary>
    /// Milliseconds from the start command to the member's first status answer in any role (its process
    /// is up and reachable again): the rest of <see cref="CaughtUpMs"/> is finding the leader and catching up.
    /// </summary>
    public double? FirstAnswerMs { get; init; }
    /// <summary>What the last status poll said (for a member that never caught up, why not).</summary>
    public string? LastStatus { get; init; }
}

/// <summary>The kinds of <see cref="CatchUpResult"/>.</summary>
public static class CatchUpKinds
{
    /// <summary>kill -9 and immediate restart of a follower after the first tenth, with the load paused.</summary>
    public const string RestartAtStart = "restart-start";
    /// <summary>The same after the whole run, with the load stopped.</summary>
    public const string RestartAtEnd = "restart-end";
    /// <summary>A follower stopped (kill -9) for the second half of the run, started again after it.</summary>
    public const string Returning = "returning";
}
