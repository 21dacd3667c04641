using System.Globalization;
using System.Text;
using RaftOrleans.Bench.Results;

namespace RaftOrleans.Bench.Report;

/// <summary>Writes the summary: the comparison table with ratios, the goals, every run and every failover trial.</summary>
public static class MarkdownReport
{
    private static readonly Dictionary<string, string> DisplayNames = new()
    {
        ["raftorleans"] = "RaftOrleans",
        ["etcd"] = "etcd",
        ["baseline"] = "baseline (1 grain, no Raft)",
    };

    /// <summary>The markdown text for <paramref name="results"/>.</summary>
    public static string Render(ResultSet results, string? title = null)
    {
        var rows = Comparisons.Rows(results);
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"## {title ?? "RaftOrleans vs etcd vs unreplicated baseline"}");
        md.AppendLine();
        var machines = results.Runs.Select(r => r.Machine).Concat(results.Failovers.Select(f => f.Machine)).ToList();
        if (machines.Count > 0)
        {
            var loads = machines.Where(m => m.LoadAverage1m >= 0).Select(m => m.LoadAverage1m).ToList();
            var load = loads.Count > 0 ? string.Create(CultureInfo.InvariantCulture, $"{loads.Min():0.0}–{loads.Max():0.0}") : "unknown";
            md.AppendLine(CultureInfo.InvariantCulture, $"Machine: {machines[0].Cores} cores; 1-min load average at run starts {load}. Every number below was measured in the same run.");
            md.AppendLine();
        }

        md.AppendLine("| measure | RaftOrleans | etcd | baseline | RaftOrleans / etcd | RaftOrleans / baseline |");
        md.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (var row in rows)
        {
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {row.Label} ({row.Unit}) | {Value(row, "raftorleans")} | {Value(row, "etcd")} | {Value(row, "baseline")} | {Ratio(row.Ratio("etcd"))} | {Ratio(row.Ratio("baseline"))} |");
        }
        md.AppendLine();

        var goals = Comparisons.Goals(rows);
        if (goals.Count > 0)
        {
            md.AppendLine("| goal | ratio needed | measured | met |");
            md.AppendLine("| --- | ---: | ---: | :---: |");
            foreach (var g in goals)
            {
                md.AppendLine(CultureInfo.InvariantCulture,
                    $"| {g.Goal} | {(g.AtLeast ? "≥" : "≤")} {g.Bound:0.00} | {Ratio(g.Ratio)} | {g.Met switch { true => "yes", false => "**no**", null => "not measured" }} |");
            }
            md.AppendLine();
        }

        md.AppendLine("### Every run");
        md.AppendLine();
        md.AppendLine("| target | workload | clients | ops/s | p50 ms | p99 ms | p99.9 ms | max ms | errors | conflicts | load |");
        md.AppendLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var r in results.Runs.OrderBy(r => Array.IndexOf(ResultSet.Targets, r.Target)).ThenBy(r => r.Workload, StringComparer.Ordinal).ThenBy(r => r.Clients))
        {
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Target} | {r.Workload} | {r.Clients} | {r.OpsPerSecond:N0} | {r.LatencyMs.P50:0.00} | {r.LatencyMs.P99:0.00} | {r.LatencyMs.P999:0.00} | {r.LatencyMs.Max:0.0} | {r.Errors} | {r.Conflicts} | {r.Machine.LoadAverage1m:0.0} |");
        }
        md.AppendLine();

        if (results.Failovers.Count > 0)
        {
            md.AppendLine("### Failover trials (kill -9, time to the first successful write sent after the kill)");
            md.AppendLine();
            md.AppendLine("| target | killed | trials (ms) | median ms | max ms | unrecovered |");
            md.AppendLine("| --- | --- | --- | ---: | ---: | ---: |");
            foreach (var f in results.Failovers.OrderBy(f => Array.IndexOf(ResultSet.Targets, f.Target)).ThenBy(f => f.Victim, StringComparer.Ordinal))
            {
                var trials = string.Join(", ", f.Trials.Select(t => $"{t.Member} {(t.RecoveryMs is { } ms ? ms.ToString("0", CultureInfo.InvariantCulture) : "none")}"));
                md.AppendLine(CultureInfo.InvariantCulture, $"| {f.Target} | {f.Victim} | {trials} | {Number(f.MedianMs)} | {Number(f.MaxMs)} | {f.Unrecovered} |");
            }
            md.AppendLine();
        }
        return md.ToString();
    }

    /// <summary>The display name of a target.</summary>
    public static string DisplayName(string target) => DisplayNames.GetValueOrDefault(target, target);

    private static string Value(ComparisonRow row, string target)
        => row.Values.TryGetValue(target, out var v) ? (row.Unit == "ops/s" ? v.ToString("N0", CultureInfo.InvariantCulture) : v.ToString("0.00", CultureInfo.InvariantCulture)) : "—";

    private static string Ratio(double? ratio) => ratio is { } r ? r.ToString("0.00", CultureInfo.InvariantCulture) + "×" : "—";

    private static string Number(double? value) => value is { } v ? v.ToString("0", CultureInfo.InvariantCulture) : "—";
}
