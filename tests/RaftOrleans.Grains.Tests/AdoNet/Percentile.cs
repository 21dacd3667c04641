namespace RaftOrleans.Grains.Tests.AdoNet;

/// <summary>Nearest-rank percentiles of measured durations.</summary>
internal static class Percentile
{
    public static double Of(IReadOnlyCollection<double> values, double percentile)
    {
        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(percentile / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
