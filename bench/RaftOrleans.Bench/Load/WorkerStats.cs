using HdrHistogram;

namespace RaftOrleans.Bench.Load;

/// <summary>
/// One logical client's counters and latency histogram. Each client owns its own, so recording
/// needs no synchronisation; they are merged once the run ends.
/// </summary>
public sealed class WorkerStats
{
    /// <summary>Longest latency the histograms track: 60 s, in microseconds.</summary>
    public const long HighestTrackableMicroseconds = 60_000_000;

    /// <summary>Latencies of served operations, in microseconds, 3 significant digits.</summary>
    public LongHistogram Latency { get; } = new(HighestTrackableMicroseconds, 3);
    /// <summary>Served operations.</summary>
    public long Served { get; set; }
    /// <summary>Failed operations.</summary>
    public long Errors { get; set; }
    /// <summary>Reads that found nothing.</summary>
    public long NotFound { get; set; }
    /// <summary>CAS conflicts.</summary>
    public long Conflicts { get; set; }
    /// <summary>The first few error messages.</summary>
    public List<string> SampleErrors { get; } = [];

    /// <summary>Records a latency, clamped into the trackable range.</summary>
    public void Record(long microseconds) => Latency.RecordValue(Math.Clamp(microseconds, 1, HighestTrackableMicroseconds));
}
