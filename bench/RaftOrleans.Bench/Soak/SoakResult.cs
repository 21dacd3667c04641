using RaftOrleans.Bench.Results;

namespace RaftOrleans.Bench.Soak;

/// <summary>The result of one target's soak run, as written to <c>{results}/soak-{target}.json</c>.</summary>
public sealed record SoakResult
{
    /// <summary>Marks the file kind.</summary>
    public string Kind { get; init; } = "soak";
    /// <summary>Target name.</summary>
    public required string Target { get; init; }
    /// <summary>Puts the run was asked for (served puts; the tenths split these).</summary>
    public long Puts { get; init; }
    /// <summary>Concurrent logical clients.</summary>
    public int Clients { get; init; }
    /// <summary>Distinct keys the puts choose from (uniformly at random).</summary>
    public int Keys { get; init; }
    /// <summary>Key size in bytes.</summary>
    public int KeySize { get; init; }
    /// <summary>Value size in bytes.</summary>
    public int ValueSize { get; init; }
    /// <summary>Distinct keys actually written.</summary>
    public long DistinctKeysWritten { get; init; }
    /// <summary>Puts served in all, including the few still in flight when the run's count was reached.</summary>
    public long PutsServed { get; init; }
    /// <summary>Failed puts in all.</summary>
    public long Errors { get; init; }
    /// <summary>Seconds of load (pauses excluded).</summary>
    public double Seconds { get; init; }
    /// <summary>Every tenth, in order.</summary>
    public required IReadOnlyList<TenthResult> Tenths { get; init; }
    /// <summary>Once-a-second samples.</summary>
    public IReadOnlyList<TimelinePoint> Timeline { get; init; } = [];
    /// <summary>The restart and catch-up measurements.</summary>
    public IReadOnlyList<CatchUpResult> CatchUps { get; init; } = [];
    /// <summary>Every member's footprint at the very end (all members back and caught up).</summary>
    public IReadOnlyList<MemberSample> Final { get; init; } = [];
    /// <summary>A few error messages of failed puts.</summary>
    public IReadOnlyList<string> SampleErrors { get; init; } = [];
    /// <summary>When the run started (UTC).</summary>
    public DateTime StartedUtc { get; init; }
    /// <summary>Machine state at the start.</summary>
    public required MachineInfo Machine { get; init; }
    /// <summary>Free-form label given on the command line.</summary>
    public string? Label { get; init; }
}
