using RaftOrleans.Bench.Results;

namespace RaftOrleans.Bench.Soak;

/// <summary>One tenth of a soak run: its operations, their rate and latency, and every member's footprint when it ended.</summary>
public sealed record TenthResult
{
    /// <summary>1-based number of the tenth.</summary>
    public int Tenth { get; init; }
    /// <summary>Served puts in this tenth.</summary>
    public long Operations { get; init; }
    /// <summary>Failed puts while this tenth was running.</summary>
    public long Errors { get; init; }
    /// <summary>Seconds the tenth took, excluding any time the load was paused for a restart measurement.</summary>
    public double Seconds { get; init; }
    /// <summary>Seconds the load was paused during the tenth (0 unless a restart was measured in it).</summary>
    public double PausedSeconds { get; init; }
    /// <summary>Served puts per second over <see cref="Seconds"/>.</summary>
    public double OpsPerSecond { get; init; }
    /// <summary>Latency of this tenth's puts.</summary>
    public required LatencySummary LatencyMs { get; init; }
    /// <summary>Seconds since the start of the measured run at the end of the tenth (pauses included).</summary>
    public double EndedAtSeconds { get; init; }
    /// <summary>Every member's RSS and bytes on disk right after the tenth ended.</summary>
    public IReadOnlyList<MemberSample> Members { get; init; } = [];
    /// <summary>Machine state when the tenth ended.</summary>
    public required MachineInfo Machine { get; init; }
}
