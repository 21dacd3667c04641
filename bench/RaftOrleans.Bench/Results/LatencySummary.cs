using HdrHistogram;

namespace RaftOrleans.Bench.Results;

/// <summary>Latency percentiles of one run, in milliseconds.</summary>
public sealed record LatencySummary
{
    /// <summary>Operations recorded.</summary>
    public long Count { get; init; }
    /// <summary>Median.</summary>
    public double P50 { get; init; }
    /// <summary>90th percentile.</summary>
    public double P90 { get; init; }
    /// <summary>99th percentile.</summary>
    public double P99 { get; init; }
    /// <summary>99.9th percentile.</summary>
    public double P999 { get; init; }
    /// <summary>Largest.</summary>
    public double Max { get; init; }
    /// <summary>Mean.</summary>
    public double Mean { get; init; }

    /// <summary>Summarises a histogram recorded in microseconds.</summary>
    public static LatencySummary FromMicroseconds(HistogramBase histogram)
    {
        if (histogram.TotalCount == 0) return new LatencySummary();
        static double Ms(long us) => us / 1000.0;
        return new LatencySummary
        {
            Count = histogram.TotalCount,
            P50 = Ms(histogram.GetValueAtPercentile(50)),
            P90 = Ms(histogram.GetValueAtPercentile(90)),
            P99 = Ms(histogram.GetValueAtPercentile(99)),
            P999 = Ms(histogram.GetValueAtPercentile(99.9)),
            Max = Ms(histogram.GetMaxValue()),
            Mean = histogram.GetMean() / 1000.0,
        };
    }
}
