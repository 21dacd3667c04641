namespace RaftOrleans.Bench.Results;

/// <summary>The result of one load run, as written to <c>{results}/run-*.json</c>.</summary>
public sealed record RunResult
{
    /// <summary>Marks the file kind.</summary>
    public string Kind { get; init; } = "run";
    /// <summary>Target name (raftorleans, baseline, etcd).</summary>
    public required string Target { get; init; }
    /// <summary>Workload name (put, get, stale-get, cas, mixed).</summary>
    public required string Workload { get; init; }
    /// <summary>Concurrent logical clients.</summary>
    public int Clients { get; init; }
    /// <summary>Measured seconds.</summary>
    public double DurationSeconds { get; init; }
    /// <summary>Unmeasured warm-up seconds.</summary>
    public double WarmupSeconds { get; init; }
    /// <summary>Key size in bytes.</summary>
    public int KeySize { get; init; }
    /// <summary>Value size in bytes.</summary>
    public int ValueSize { get; init; }
    /// <summary>Distinct keys.</summary>
    public int Keys { get; init; }
    /// <summary>Operations served in the measured window (including not-found reads and CAS conflicts).</summary>
    public long Operations { get; init; }
    /// <summary>Served operations per second.</summary>
    public double OpsPerSecond { get; init; }
    /// <summary>Operations the target failed to serve in the measured window.</summary>
    public long Errors { get; init; }
    /// <summary>Reads that found no value.</summary>
    public long NotFound { get; init; }
    /// <summary>Compare-and-swaps whose condition did not hold.</summary>
    public long Conflicts { get; init; }
    /// <summary>Latency of served operations.</summary>
    public required LatencySummary LatencyMs { get; init; }
    /// <summary>What the target reported about itself over the run (for example storage writes per entry), for diagnosis.</summary>
    public IReadOnlyList<string> TargetNotes { get; init; } = [];
    /// <summary>A few error messages, for diagnosis.</summary>
    public IReadOnlyList<string> SampleErrors { get; init; } = [];
    /// <summary>When the measured window started (UTC).</summary>
    public DateTime StartedUtc { get; init; }
    /// <summary>Machine state at the start.</summary>
    public required MachineInfo Machine { get; init; }
    /// <summary>Free-form label given on the command line.</summary>
    public string? Label { get; init; }
}
