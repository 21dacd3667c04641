using RaftOrleans.Bench.Report;
using ScottPlot;

namespace RaftOrleans.Bench.Soak;

/// <summary>The soak's PNG charts (ScottPlot): throughput, RSS and disk over time, both targets on one chart each.</summary>
public static class SoakCharts
{
    private const int Width = 1000;
    private const int Height = 560;
    /// <summary>Seconds of the moving average over the once-a-second throughput (raw per-second rates jump with every batch).</summary>
    private const int SmoothingSeconds = 5;
    private static readonly Dictionary<string, Color> TargetColors = new() { ["raftorleans"] = Colors.Blue, ["etcd"] = Colors.OrangeRed };
    private static readonly LinePattern[] MemberPatterns = [LinePattern.Solid, LinePattern.Dashed, LinePattern.Dotted];

    /// <summary>Writes every chart that has data into <paramref name="directory"/>; returns the file names written.</summary>
    public static IReadOnlyList<string> RenderAll(IReadOnlyList<SoakResult> soaks, string directory)
    {
        var written = new List<string>();
        if (soaks.Count == 0) return written;
        if (Throughput(soaks, Path.Combine(directory, "soak-throughput.png"))) written.Add("soak-throughput.png");
        if (PerMember(soaks, m => m.RssBytes, "RSS over time (VmRSS per member)", "RSS MiB", Path.Combine(directory, "soak-rss.png"))) written.Add("soak-rss.png");
        if (PerMember(soaks, m => m.DiskBytes, "bytes on disk over time (data directory per member)", "disk MiB", Path.Combine(directory, "soak-disk.png"))) written.Add("soak-disk.png");
        return written;
    }

    /// <summary>Per-second rates from cumulative counts, averaged over a trailing window of <paramref name="window"/> samples.</summary>
    public static double[] SmoothedRates(IReadOnlyList<(double Seconds, long Served)> points, int window)
    {
        var rates = new double[points.Count];
        for (var i = 1; i < points.Count; i++)
        {
            var from = Math.Max(0, i - window);
            var dt = points[i].Seconds - points[from].Seconds;
            rates[i] = dt > 0 ? (points[i].Served - points[from].Served) / dt : 0;
        }
        if (rates.Length > 1) rates[0] = rates[1];
        return rates;
    }

    private static bool Throughput(IReadOnlyList<SoakResult> soaks, string path)
    {
        var plot = new Plot();
        var any = false;
        foreach (var soak in soaks)
        {
            // Only while the load ran: the timeline goes on through the catch-up measurements after it.
            var points = soak.Timeline.Where(p => p.Seconds <= soak.Tenths.LastOrDefault()?.EndedAtSeconds + 1).Select(p => (p.Seconds, p.Served)).ToList();
            if (points.Count < 2) continue;
            var line = plot.Add.Scatter(points.Select(p => p.Seconds).ToArray(), SmoothedRates(points, SmoothingSeconds));
            line.LegendText = $"{MarkdownReport.DisplayName(soak.Target)} ({SmoothingSeconds} s average)";
            line.Color = TargetColors.GetValueOrDefault(soak.Target, Colors.Gray);
            line.LineWidth = 2;
            line.MarkerSize = 0;
            var tenths = plot.Add.Scatter(soak.Tenths.Select(t => t.EndedAtSeconds).ToArray(), soak.Tenths.Select(t => t.OpsPerSecond).ToArray());
            tenths.LegendText = $"{MarkdownReport.DisplayName(soak.Target)} per tenth";
            tenths.Color = line.Color;
            tenths.LineWidth = 0;
            tenths.MarkerSize = 9;
            tenths.MarkerShape = MarkerShape.FilledSquare;
            any = true;
        }
        if (!any) return false;
        plot.Axes.AutoScale();
        plot.Axes.SetLimitsY(0, plot.Axes.GetLimits().Top);
        plot.Title("put throughput over the soak (64 clients)");
        plot.XLabel("seconds since the start of the run");
        plot.YLabel("ops/s");
        plot.ShowLegend(Alignment.UpperRight);
        plot.SavePng(path, Width, Height);
        return true;
    }

    private static bool PerMember(IReadOnlyList<SoakResult> soaks, Func<MemberSample, long?> value, string title, string unit, string path)
    {
        var plot = new Plot();
        var any = false;
        foreach (var soak in soaks)
        {
            var members = soak.Timeline.SelectMany(p => p.Members).Select(m => m.Member).Distinct().Order(StringComparer.Ordinal).ToList();
            for (var i = 0; i < members.Count; i++)
            {
                var samples = soak.Timeline
                    .Select(p => (p.Seconds, Value: p.Members.FirstOrDefault(m => m.Member == members[i]) is { } m ? value(m) : null))
                    .ToList();
                if (samples.All(s => s.Value is null)) continue;
                // A stopped member has no RSS: NaN leaves a gap in its line.
                var line = plot.Add.Scatter(samples.Select(s => s.Seconds).ToArray(), samples.Select(s => s.Value is { } v ? v / 1048576.0 : double.NaN).ToArray());
                line.LegendText = $"{MarkdownReport.DisplayName(soak.Target)} {members[i]}";
                line.Color = TargetColors.GetValueOrDefault(soak.Target, Colors.Gray);
                line.LinePattern = MemberPatterns[i % MemberPatterns.Length];
                line.LineWidth = 2;
                line.MarkerSize = 0;
                any = true;
            }
        }
        if (!any) return false;
        plot.Axes.AutoScale();
        plot.Axes.SetLimitsY(0, plot.Axes.GetLimits().Top);
        plot.Title(title);
        plot.XLabel("seconds since the start of the run");
        plot.YLabel(unit);
        plot.ShowLegend(Alignment.UpperLeft);
        plot.SavePng(path, Width, Height);
        return true;
    }
}
