using RaftOrleans.Bench.Results;
using ScottPlot;

namespace RaftOrleans.Bench.Report;

/// <summary>Draws the PNG charts of a result set with ScottPlot.</summary>
public static class ChartRenderer
{
    private const int Width = 900;
    private const int Height = 520;
    private static readonly Dictionary<string, Color> TargetColors = new()
    {
        ["raftorleans"] = Colors.Blue,
        ["etcd"] = Colors.OrangeRed,
        ["baseline"] = Colors.Gray,
    };

    /// <summary>Writes every chart that has data into <paramref name="directory"/>; returns the files written.</summary>
    public static IReadOnlyList<string> RenderAll(ResultSet results, string directory)
    {
        var written = new List<string>();
        if (Throughput(results, "put", Path.Combine(directory, "throughput-put.png"))) written.Add("throughput-put.png");
        var latencyClients = results.ClientCounts("put").Contains(64) ? 64 : results.ClientCounts("put").LastOrDefault();
        if (latencyClients > 0 && Percentiles(results, "put", latencyClients, Path.Combine(directory, $"latency-put-c{latencyClients}.png")))
        {
            written.Add($"latency-put-c{latencyClients}.png");
        }
        if (LatencyByClients(results, "put", Path.Combine(directory, "latency-put-by-clients.png"))) written.Add("latency-put-by-clients.png");
        if (Failover(results, Path.Combine(directory, "failover.png"))) written.Add("failover.png");
        return written;
    }

    /// <summary>Throughput against concurrent clients (log2 axis), one line per target.</summary>
    private static bool Throughput(ResultSet results, string workload, string path)
    {
        var clients = results.ClientCounts(workload);
        if (clients.Count == 0) return false;
        var plot = new Plot();
        foreach (var target in ResultSet.Targets)
        {
            var points = clients.Select(c => (c, run: results.Run(target, workload, c))).Where(p => p.run is not null).ToList();
            if (points.Count == 0) continue;
            var line = plot.Add.Scatter(points.Select(p => Math.Log2(p.c)).ToArray(), points.Select(p => p.run!.OpsPerSecond).ToArray());
            line.LegendText = MarkdownReport.DisplayName(target);
            line.Color = TargetColors[target];
            line.LineWidth = 2;
            line.MarkerSize = 8;
        }
        ClientTicks(plot, clients);
        var top = results.Runs.Where(r => r.Workload == workload).Select(r => r.OpsPerSecond).DefaultIfEmpty(1).Max();
        plot.Axes.SetLimitsY(0, top * 1.1); // throughput starts at zero: no negative axis below the lines
        plot.Title($"{workload} throughput vs concurrent clients");
        plot.XLabel("concurrent clients");
        plot.YLabel("ops/s");
        plot.ShowLegend(Alignment.UpperLeft);
        plot.SavePng(path, Width, Height);
        return true;
    }

    /// <summary>p50 / p99 / p99.9 bars per target at one client count.</summary>
    private static bool Percentiles(ResultSet results, string workload, int clients, string path)
    {
        var plot = new Plot();
        var percentiles = new (string Name, Func<LatencySummary, double> Get, Color Color)[]
        {
            ("p50", l => l.P50, Colors.SteelBlue),
            ("p99", l => l.P99, Colors.DarkOrange),
            ("p99.9", l => l.P999, Colors.Crimson),
        };
        var bars = new List<Bar>();
        var ticks = new List<Tick>();
        var group = 0;
        foreach (var target in ResultSet.Targets)
        {
            if (results.Run(target, workload, clients) is not { } run) continue;
            for (var i = 0; i < percentiles.Length; i++)
            {
                bars.Add(new Bar { Position = group * 4 + i, Value = percentiles[i].Get(run.LatencyMs), FillColor = percentiles[i].Color });
            }
            ticks.Add(new Tick(group * 4 + 1, MarkdownReport.DisplayName(target)));
            group++;
        }
        if (bars.Count == 0) return false;
        plot.Add.Bars(bars);
        foreach (var p in percentiles) plot.Legend.ManualItems.Add(new LegendItem { LabelText = p.Name, FillColor = p.Color });
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual([.. ticks]);
        plot.Axes.Margins(bottom: 0);
        plot.Title($"{workload} latency percentiles at {clients} clients");
        plot.YLabel("ms");
        plot.ShowLegend(Alignment.UpperLeft);
        plot.SavePng(path, Width, Height);
        return true;
    }

    /// <summary>p50 and p99 against clients (log2 axis, log10 latency), per target.</summary>
    private static bool LatencyByClients(ResultSet results, string workload, string path)
    {
        var clients = results.ClientCounts(workload);
        if (clients.Count < 2) return false;
        var plot = new Plot();
        foreach (var target in ResultSet.Targets)
        {
            var points = clients.Select(c => (c, run: results.Run(target, workload, c))).Where(p => p.run is { Operations: > 0 }).ToList();
            if (points.Count == 0) continue;
            foreach (var (name, get, pattern) in new (string, Func<LatencySummary, double>, LinePattern)[]
                     { ("p50", l => l.P50, LinePattern.Solid), ("p99", l => l.P99, LinePattern.Dashed) })
            {
                var line = plot.Add.Scatter(points.Select(p => Math.Log2(p.c)).ToArray(), points.Select(p => Math.Log10(Math.Max(get(p.run!.LatencyMs), 0.001))).ToArray());
                line.LegendText = $"{MarkdownReport.DisplayName(target)} {name}";
                line.Color = TargetColors[target];
                line.LinePattern = pattern;
                line.LineWidth = 2;
            }
        }
        ClientTicks(plot, clients);
        var minorTicks = new ScottPlot.TickGenerators.LogMinorTickGenerator();
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            MinorTickGenerator = minorTicks,
            IntegerTicksOnly = true,
            LabelFormatter = y => Math.Pow(10, y).ToString("0.###", System.Globalization.CultureInfo.InvariantCulture),
        };
        plot.Title($"{workload} latency vs concurrent clients (log scale)");
        plot.XLabel("concurrent clients");
        plot.YLabel("ms");
        plot.ShowLegend(Alignment.UpperLeft);
        plot.SavePng(path, Width, Height);
        return true;
    }

    /// <summary>Median and max failover time per target, for leader and follower kills.</summary>
    private static bool Failover(ResultSet results, string path)
    {
        if (results.Failovers.Count == 0) return false;
        var plot = new Plot();
        var bars = new List<Bar>();
        var ticks = new List<Tick>();
        var position = 0;
        foreach (var victim in new[] { "leader", "follower" })
        {
            foreach (var target in ResultSet.Targets)
            {
                if (results.Failover(target, victim) is not { MedianMs: { } median } f) continue;
                bars.Add(new Bar
                {
                    Position = position,
                    Value = median,
                    Error = (f.MaxMs ?? median) - median,
                    FillColor = TargetColors[target],
                });
                ticks.Add(new Tick(position, $"{MarkdownReport.DisplayName(target)}\n{victim} killed"));
                position++;
            }
            position++;
        }
        if (bars.Count == 0) return false;
        plot.Add.Bars(bars);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual([.. ticks]);
        plot.Axes.Margins(bottom: 0);
        plot.Title("kill -9 → first successful write (median; whisker up to max)");
        plot.YLabel("ms");
        plot.SavePng(path, Width, Height);
        return true;
    }

    private static void ClientTicks(Plot plot, IReadOnlyList<int> clients)
        => plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            [.. clients.Select(c => new Tick(Math.Log2(c), c.ToString(System.Globalization.CultureInfo.InvariantCulture)))]);
}
