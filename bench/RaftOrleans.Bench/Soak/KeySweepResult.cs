using RaftOrleans.Bench.Results;

namespace RaftOrleans.Bench.Soak;

/// <summary>
/// One point of the key-count sweep, as written to <c>{results}/keys-{target}-k{keys}.json</c>: every key
/// written once (the preload, so the key space is covered), then puts over the keys for a fixed time.
/// </summary>
public sealed record KeySweepResult
{
    /// <summary>Marks the file kind.</summary>
    public string Kind { get; init; } = "keys";
    /// <summary>Target name.</summary>
    public required string Target { get; init; }
    /// <summary>Distinct keys of the key space.</summary>
    public int Keys { get; init; }
    /// <summary>Distinct keys written (preload and measured run together).</summary>
    public long DistinctKeysWritten { get; init; }
    /// <summary>Seconds the preload took.</summary>
    public double PreloadSeconds { get; init; }
    /// <summary>Puts per second during the preload.</summary>
    public double PreloadOpsPerSecond { get; init; }
    /// <summary>The measured put run after the preload and its warm-up.</summary>
    public required RunResult Run { get; init; }
    /// <summary>Every member's footprint after the run.</summary>
    public IReadOnlyList<MemberSample> Members { get; init; } = [];
}
