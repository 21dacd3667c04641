using System.Globalization;
using System.Text;
using RaftOrleans.Bench.Report;

namespace RaftOrleans.Bench.Soak;

/// <summary>The soak's summary in markdown: each target's tenths, the catch-up times, the key-count sweep with ratios, and the targets met or not.</summary>
public static class SoakReport
{
    private static readonly string[] TargetOrder = ["raftorleans", "etcd"];

    /// <summary>The markdown text.</summary>
    public static string Render(IReadOnlyList<SoakResult> soaks, IReadOnlyList<KeySweepResult> sweep)
    {
        var md = new StringBuilder();
        foreach (var soak in soaks.OrderBy(s => Array.IndexOf(TargetOrder, s.Target)))
        {
            Tenths(md, soak);
        }
        if (soaks.Count > 0) CatchUps(md, soaks);
        if (sweep.Count > 0) Sweep(md, sweep);
        Goals(md, SoakGoals.Evaluate(soaks, sweep));
        return md.ToString();
    }

    private static void Tenths(StringBuilder md, SoakResult soak)
    {
        var members = soak.Tenths.SelectMany(t => t.Members).Select(m => m.Member).Distinct().Order(StringComparer.Ordinal).ToList();
        md.AppendLine(CultureInfo.InvariantCulture,
            $"### {MarkdownReport.DisplayName(soak.Target)}: {soak.Puts:N0} puts at {soak.Clients} clients over {soak.Keys:N0} keys, {soak.ValueSize}-byte values");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture,
            $"{soak.PutsServed:N0} puts served in {soak.Seconds:0} s of load ({soak.Errors:N0} failed), {soak.DistinctKeysWritten:N0} distinct keys written; machine {soak.Machine.Cores} cores, load {soak.Machine.LoadAverage1m:0.0} at the start.");
        md.AppendLine();
        md.Append("| tenth | puts | s | ops/s | p50 ms | p99 ms | errors | load |");
        foreach (var m in members) md.Append(CultureInfo.InvariantCulture, $" {m} RSS MiB |");
        foreach (var m in members) md.Append(CultureInfo.InvariantCulture, $" {m} disk MiB |");
        md.AppendLine();
        md.Append("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var _ in members) md.Append(" ---: | ---: |");
        md.AppendLine();
        foreach (var t in soak.Tenths)
        {
            md.Append(CultureInfo.InvariantCulture,
                $"| {t.Tenth} | {t.Operations:N0} | {t.Seconds:0.0}{(t.PausedSeconds > 0 ? $" (+{t.PausedSeconds:0.0} paused)" : "")} | {t.OpsPerSecond:N0} | {t.LatencyMs.P50:0.00} | {t.LatencyMs.P99:0.00} | {t.Errors:N0} | {t.Machine.LoadAverage1m:0.0} |");
            foreach (var m in members) md.Append(CultureInfo.InvariantCulture, $" {MiB(t.Members.FirstOrDefault(x => x.Member == m)?.RssBytes)} |");
            foreach (var m in members) md.Append(CultureInfo.InvariantCulture, $" {MiB(t.Members.FirstOrDefault(x => x.Member == m)?.DiskBytes)} |");
            md.AppendLine();
        }
        if (soak.Final.Count > 0)
        {
            md.Append("| after (all back) | | | | | | | |");
            foreach (var m in members) md.Append(CultureInfo.InvariantCulture, $" {MiB(soak.Final.FirstOrDefault(x => x.Member == m)?.RssBytes)} |");
            foreach (var m in members) md.Append(CultureInfo.InvariantCulture, $" {MiB(soak.Final.FirstOrDefault(x => x.Member == m)?.DiskBytes)} |");
            md.AppendLine();
        }
        md.AppendLine();
        var live = (double)soak.DistinctKeysWritten * (soak.KeySize + soak.ValueSize);
        md.AppendLine(CultureInfo.InvariantCulture,
            $"Live data: {soak.DistinctKeysWritten:N0} keys × {soak.KeySize + soak.ValueSize} bytes = {MiB(live)} MiB; largest member on disk at the end {MiB(soak.Tenths.LastOrDefault()?.Members.Max(m => (double?)m.DiskBytes))} MiB.");
        foreach (var e in soak.SampleErrors) md.AppendLine(CultureInfo.InvariantCulture, $"- error: {e}");
        md.AppendLine();
    }

    private static void CatchUps(StringBuilder md, IReadOnlyList<SoakResult> soaks)
    {
        md.AppendLine("### Follower restart and return: start command to caught-up follower (applied ≥ the leader's commit index at the start)");
        md.AppendLine();
        md.AppendLine("\"up\": the member's first status answer in any role (process started and reachable); the rest is finding the leader and catching up.");
        md.AppendLine();
        md.AppendLine("| measurement | RaftOrleans ms | etcd ms | RaftOrleans / etcd | RaftOrleans: member, down s, index to reach | etcd: member, down s, index to reach |");
        md.AppendLine("| --- | ---: | ---: | ---: | --- | --- |");
        var raft = soaks.Where(s => s.Target == "raftorleans").MaxBy(s => s.StartedUtc);
        var etcd = soaks.Where(s => s.Target == "etcd").MaxBy(s => s.StartedUtc);
        foreach (var (kind, label) in new[]
                 {
                     (CatchUpKinds.RestartAtStart, "kill -9 + restart after the first tenth (load paused)"),
                     (CatchUpKinds.RestartAtEnd, "kill -9 + restart after the run"),
                     (CatchUpKinds.Returning, "follower stopped for the second half, started after the run"),
                 })
        {
            var r = raft?.CatchUps.FirstOrDefault(c => c.Kind == kind);
            var e = etcd?.CatchUps.FirstOrDefault(c => c.Kind == kind);
            var ratio = r?.CaughtUpMs is { } a && e?.CaughtUpMs is { } b && b > 0 ? (a / b).ToString("0.00", CultureInfo.InvariantCulture) + "×" : "—";
            md.AppendLine(CultureInfo.InvariantCulture, $"| {label} | {CaughtUp(r)} | {CaughtUp(e)} | {ratio} | {Where(r)} | {Where(e)} |");
        }
        md.AppendLine();
    }

    private static void Sweep(StringBuilder md, IReadOnlyList<KeySweepResult> sweep)
    {
        var keyCounts = sweep.Select(p => p.Keys).Distinct().Order().ToList();
        KeySweepResult? Point(string target, int keys) => sweep.Where(p => p.Target == target && p.Keys == keys).MaxBy(p => p.Run.StartedUtc);
        var smallest = Point("raftorleans", keyCounts[0]);
        md.AppendLine("### Key-count sweep: puts at 64 clients after every key was written once");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture,
            $"| keys | RaftOrleans ops/s | etcd ops/s | RaftOrleans / etcd | RaftOrleans vs {keyCounts[0]:N0} keys | RaftOrleans p99 ms | etcd p99 ms | distinct keys written (RaftOrleans / etcd) | preload puts/s (RaftOrleans / etcd) |");
        md.AppendLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var k in keyCounts)
        {
            var r = Point("raftorleans", k);
            var e = Point("etcd", k);
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {k:N0} | {Ops(r)} | {Ops(e)} | {Ratio(r?.Run.OpsPerSecond, e?.Run.OpsPerSecond)} | {Ratio(r?.Run.OpsPerSecond, smallest?.Run.OpsPerSecond)} | {P99(r)} | {P99(e)} | {Distinct(r)} / {Distinct(e)} | {Preload(r)} / {Preload(e)} |");
        }
        md.AppendLine();
        var seconds = sweep.Select(p => p.Run.DurationSeconds).DefaultIfEmpty(0).Max();
        md.AppendLine(CultureInfo.InvariantCulture, $"Each point: a fresh cluster, every key written once (the preload), a {sweep[0].Run.WarmupSeconds:0} s warm-up, then {seconds:0} s measured.");
        md.AppendLine();
    }

    private static void Goals(StringBuilder md, IReadOnlyList<SoakGoal> goals)
    {
        md.AppendLine("### Targets (issue 11), as ratios from this run");
        md.AppendLine();
        md.AppendLine("| target | ratio needed | measured | from | met |");
        md.AppendLine("| --- | ---: | ---: | --- | :---: |");
        foreach (var g in goals)
        {
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {g.Goal} | {(g.AtLeast ? "≥" : "≤")} {g.Bound:0.00} | {(g.Ratio is { } r ? r.ToString("0.00", CultureInfo.InvariantCulture) + "×" : "—")} | {g.Detail} | {g.Met switch { true => "yes", false => "**no**", null => "not measured" }} |");
        }
        md.AppendLine();
    }

    private static string CaughtUp(CatchUpResult? c)
        => c is null ? "—"
            : c.CaughtUpMs is { } ms ? ms.ToString("0", CultureInfo.InvariantCulture) + (c.FirstAnswerMs is { } up ? string.Create(CultureInfo.InvariantCulture, $" (up {up:0})") : "")
            : "not caught up";

    private static string Where(CatchUpResult? c)
        => c is null ? "—" : string.Create(CultureInfo.InvariantCulture, $"{c.Member}, {c.DownSeconds:0.0} s, {c.TargetIndex:N0}");

    private static string MiB(double? bytes) => bytes is { } b ? (b / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture) : "down";

    private static string MiB(long? bytes) => MiB((double?)bytes);

    private static string Ops(KeySweepResult? p) => p is null ? "—" : p.Run.OpsPerSecond.ToString("N0", CultureInfo.InvariantCulture);

    private static string P99(KeySweepResult? p) => p is null ? "—" : p.Run.LatencyMs.P99.ToString("0.00", CultureInfo.InvariantCulture);

    private static string Distinct(KeySweepResult? p) => p is null ? "—" : p.DistinctKeysWritten.ToString("N0", CultureInfo.InvariantCulture);

    private static string Preload(KeySweepResult? p) => p is null ? "—" : p.PreloadOpsPerSecond.ToString("N0", CultureInfo.InvariantCulture);

    private static string Ratio(double? a, double? b) => a is { } x && b is { } y && y > 0 ? (x / y).ToString("0.00", CultureInfo.InvariantCulture) + "×" : "—";
}
