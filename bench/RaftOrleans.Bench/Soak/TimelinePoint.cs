namespace RaftOrleans.Bench.Soak;

/// <summary>A once-a-second sample of a soak run: puts served so far and every member's footprint (the charts' data).</summary>
public sealed record TimelinePoint
{
    /// <summary>Seconds since the start of the measured run.</summary>
    public double Seconds { get; init; }
    /// <summary>Puts served so far.</summary>
    public long Served { get; init; }
    /// <summary>Puts failed so far.</summary>
    public long Errors { get; init; }
    /// <summary>True while the load was paused for a restart measurement.</summary>
    public bool Paused { get; init; }
    /// <summary>Every member's RSS and bytes on disk.</summary>
    public IReadOnlyList<MemberSample> Members { get; init; } = [];
}
