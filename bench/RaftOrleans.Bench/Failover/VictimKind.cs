namespace RaftOrleans.Bench.Failover;

/// <summary>Which member a failover trial kills.</summary>
public enum VictimKind
{
    /// <summary>The current leader's process.</summary>
    Leader,
    /// <summary>A follower's process (the lowest-named one).</summary>
    Follower,
}
