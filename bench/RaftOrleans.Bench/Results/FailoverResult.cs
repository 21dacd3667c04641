namespace RaftOrleans.Bench.Results;

/// <summary>One failover trial: which member was killed and how long writes stopped succeeding.</summary>
public sealed record FailoverTrial
{
    /// <summary>The killed member (silo or etcd member name).</summary>
    public required string Member { get; init; }
    /// <summary>Milliseconds from the kill to the completion of the first successful write sent after it; null when none succeeded before the deadline.</summary>
    public double? RecoveryMs { get; init; }
    /// <summary>Writes sent during the trial that failed.</summary>
    public long FailedWrites { get; init; }
    /// <summary>Writes sent during the trial that succeeded.</summary>
    public long SucceededWrites { get; init; }
    /// <summary>Probe ticks that sent nothing because the in-flight cap was reached.</summary>
    public long SkippedTicks { get; init; }
    /// <summary>A few distinct error messages of failed writes.</summary>
    public IReadOnlyList<string> SampleErrors { get; init; } = [];
}

/// <summary>The result of a failover measurement, as written to <c>{results}/failover-*.json</c>.</summary>
public sealed record FailoverResult
{
    /// <summary>Marks the file kind.</summary>
    public string Kind { get; init; } = "failover";
    /// <summary>Target name.</summary>
    public required string Target { get; init; }
    /// <summary>"leader" or "follower".</summary>
    public required string Victim { get; init; }
    /// <summary>Milliseconds between writes of the probe loop.</summary>
    public double WriteIntervalMs { get; init; }
    /// <summary>Every trial.</summary>
    public required IReadOnlyList<FailoverTrial> Trials { get; init; }
    /// <summary>Median recovery over trials that recovered.</summary>
    public double? MedianMs { get; init; }
    /// <summary>Largest recovery over trials that recovered.</summary>
    public double? MaxMs { get; init; }
    /// <summary>Trials with no successful write before the deadline.</summary>
    public int Unrecovered { get; init; }
    /// <summary>When the measurement started (UTC).</summary>
    public DateTime StartedUtc { get; init; }
    /// <summary>Machine state at the start.</summary>
    public required MachineInfo Machine { get; init; }
    /// <summary>Free-form label given on the command line.</summary>
    public string? Label { get; init; }
}
