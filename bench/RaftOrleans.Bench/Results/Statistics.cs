namespace RaftOrleans.Bench.Results;

/// <summary>Small statistics over samples.</summary>
public static class Statistics
{
    /// <summary>The median (mean of the two middle values for an even count); null when there are no samples.</summary>
    public static double? Median(IReadOnlyCollection<double> samples)
    {
        if (samples.Count == 0) return null;
        var sorted = samples.Order().ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
