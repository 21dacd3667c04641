namespace RaftOrleans.Bench.Failover;

/// <summary>How a failover measurement runs.</summary>
public sealed record FailoverSettings
{
    /// <summary>Which member each trial kills.</summary>
    public VictimKind Victim { get; init; } = VictimKind.Leader;
    /// <summary>Number of kill/restart trials.</summary>
    public int Trials { get; init; } = 5;
    /// <summary>Time between writes of the probe.</summary>
    public TimeSpan WriteInterval { get; init; } = TimeSpan.FromMilliseconds(10);
    /// <summary>Steady writing before each kill.</summary>
    public TimeSpan SteadyBeforeKill { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>How long to wait for the first successful write after a kill.</summary>
    public TimeSpan RecoveryDeadline { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>How long to wait for the cluster to be healthy again after a restart.</summary>
    public TimeSpan HealthyDeadline { get; init; } = TimeSpan.FromSeconds(120);
}
