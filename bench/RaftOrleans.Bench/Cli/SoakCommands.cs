using System.CommandLine;
using RaftOrleans.Bench.Failover;
using RaftOrleans.Bench.Load;
using RaftOrleans.Bench.Soak;
using RaftOrleans.Bench.Targets;

namespace RaftOrleans.Bench.Cli;

/// <summary>
/// The soak commands of <c>raftkv-bench</c>: <c>soak</c> (one target's long run), <c>keys</c> (one point
/// of the key-count sweep) and <c>soak-report</c>. <c>bench/soak.sh</c> runs them for both targets.
/// </summary>
public sealed class SoakCommands
{
    private readonly TargetOptions _soakTarget = new();
    private readonly Option<long> _puts = new("--puts") { Description = "Served puts in the run.", DefaultValueFactory = _ => 1_000_000 };
    private readonly Option<int> _soakClients = new("--clients") { Description = "Concurrent logical clients.", DefaultValueFactory = _ => 64 };
    private readonly Option<int> _soakKeys = new("--keys") { Description = "Distinct keys (uniform random choice).", DefaultValueFactory = _ => 100_000 };
    private readonly Option<int> _soakKeySize = new("--key-size") { Description = "Key bytes.", DefaultValueFactory = _ => 16 };
    private readonly Option<int> _soakValueSize = new("--value-size") { Description = "Value bytes.", DefaultValueFactory = _ => 100 };
    private readonly Option<int> _tenths = new("--tenths") { Description = "Parts the run is reported in.", DefaultValueFactory = _ => 10 };
    private readonly Option<int> _soakSeed = new("--seed") { Description = "Seed of the key choice.", DefaultValueFactory = _ => 1 };
    private readonly Option<double> _catchUpDeadline = new("--catch-up-deadline") { Description = "Seconds a restarted member may take to catch up.", DefaultValueFactory = _ => 600 };
    private readonly MemberOptions _soakMembers = new(required: true);

    private readonly TargetOptions _keysTarget = new();
    private readonly Option<int> _sweepKeys = new("--keys") { Description = "Distinct keys; every one is written once before the measured run.", DefaultValueFactory = _ => 1000 };
    private readonly Option<int> _sweepClients = new("--clients") { Description = "Concurrent logical clients.", DefaultValueFactory = _ => 64 };
    private readonly Option<double> _sweepDuration = new("--duration") { Description = "Measured seconds.", DefaultValueFactory = _ => 30 };
    private readonly Option<double> _sweepWarmup = new("--warmup") { Description = "Unmeasured seconds of the same puts first.", DefaultValueFactory = _ => 10 };
    private readonly Option<int> _sweepKeySize = new("--key-size") { Description = "Key bytes.", DefaultValueFactory = _ => 16 };
    private readonly Option<int> _sweepValueSize = new("--value-size") { Description = "Value bytes.", DefaultValueFactory = _ => 100 };
    private readonly Option<int> _sweepSeed = new("--seed") { Description = "Seed of the key choice.", DefaultValueFactory = _ => 1 };
    private readonly MemberOptions _sweepMembers = new(required: false);

    private readonly Option<string> _results = new("--results") { Description = "Results folder holding soak-*.json and keys-*.json.", Required = true };

    /// <summary>Adds <c>soak</c>, <c>keys</c> and <c>soak-report</c> to <paramref name="root"/>.</summary>
    public void AddTo(RootCommand root)
    {
        var soak = new Command("soak", "Long run from empty data: N puts over K keys, per tenth ops/s, p99, every member's RSS and disk; "
            + "a follower restarted after the first tenth and after the run, and one stopped for the second half, each timed to caught up.");
        _soakTarget.AddTo(soak);
        foreach (var o in new Option[] { _puts, _soakClients, _soakKeys, _soakKeySize, _soakValueSize, _tenths, _soakSeed, _catchUpDeadline }) soak.Options.Add(o);
        _soakMembers.AddTo(soak);
        soak.SetAction((parse, token) => BenchCommandLine.Guard(() => SoakAsync(parse, token)));

        var keys = new Command("keys", "One point of the key-count sweep: write every key once, then measured puts over them.");
        _keysTarget.AddTo(keys);
        foreach (var o in new Option[] { _sweepKeys, _sweepClients, _sweepDuration, _sweepWarmup, _sweepKeySize, _sweepValueSize, _sweepSeed }) keys.Options.Add(o);
        _sweepMembers.AddTo(keys);
        keys.SetAction((parse, token) => BenchCommandLine.Guard(() => KeysAsync(parse, token)));

        var report = new Command("soak-report", "Write soak-summary.md (tenths, catch-up times, key sweep, targets met) and the soak charts.");
        report.Options.Add(_results);
        report.SetAction(parse => BenchCommandLine.Guard(() => Task.FromResult(Report(parse))));

        root.Subcommands.Add(soak);
        root.Subcommands.Add(keys);
        root.Subcommands.Add(report);
    }

    private async Task<int> SoakAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var target = _soakTarget.Read(parse);
        var settings = new SoakSettings
        {
            Puts = parse.GetValue(_puts),
            Clients = parse.GetValue(_soakClients),
            Keys = parse.GetValue(_soakKeys),
            KeySize = parse.GetValue(_soakKeySize),
            ValueSize = parse.GetValue(_soakValueSize),
            Parts = parse.GetValue(_tenths),
            Seed = parse.GetValue(_soakSeed),
            CatchUpDeadline = TimeSpan.FromSeconds(Math.Max(1, parse.GetValue(_catchUpDeadline))),
        };
        if (settings.Validate() is { } problem) throw new ArgumentException(problem);
        var members = _soakMembers.Read(parse) ?? throw new ArgumentException("soak needs --members, --pid-file, --member-data and --restart-command");
        await using var cluster = await BenchCommandLine.ConnectFailoverAsync(target, members.Names.Count, cancellationToken);
        using var etcdProbe = target.Kind == TargetKind.Etcd ? new EtcdCatchUpProbe(target.EtcdEndpoints) : null;
        if (etcdProbe is not null) await etcdProbe.MapMembersAsync(cancellationToken);
        ICatchUpProbe probe = etcdProbe ?? (ICatchUpProbe)new RaftOrleansCatchUpProbe((RaftOrleansTarget)cluster.Target);
        var result = await new SoakRunner(cluster, probe, members, settings).RunAsync(parse.GetValue(_soakTarget.Label), cancellationToken);
        var path = SoakFiles.Write(parse.GetValue(_soakTarget.Out)!, result);
        Console.Out.WriteLine($"{result.Target} soak: {result.PutsServed:N0} puts in {result.Seconds:0} s, first tenth {result.Tenths[0].OpsPerSecond:N0} ops/s, last {result.Tenths[^1].OpsPerSecond:N0} ops/s, "
            + $"{result.DistinctKeysWritten:N0} distinct keys, {result.Errors} errors -> {path}");
        return result.CatchUps.Any(c => c.CaughtUpMs is null) ? BenchCommandLine.Failed : BenchCommandLine.Ok;
    }

    private async Task<int> KeysAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var target = _keysTarget.Read(parse);
        var settings = new LoadSettings
        {
            Workload = Workload.Put,
            Clients = parse.GetValue(_sweepClients),
            Duration = TimeSpan.FromSeconds(parse.GetValue(_sweepDuration)),
            Warmup = TimeSpan.FromSeconds(parse.GetValue(_sweepWarmup)),
            KeySize = parse.GetValue(_sweepKeySize),
            ValueSize = parse.GetValue(_sweepValueSize),
            Keys = parse.GetValue(_sweepKeys),
            Seed = parse.GetValue(_sweepSeed),
        };
        if (settings.Validate() is { } problem) throw new ArgumentException(problem);
        var members = _sweepMembers.Read(parse);
        await using var cluster = await BenchCommandLine.ConnectFailoverAsync(target, members?.Names.Count ?? 3, cancellationToken);
        var result = await new KeySweepRunner(cluster, members, settings, TimeSpan.FromSeconds(300)).RunAsync(parse.GetValue(_keysTarget.Label), cancellationToken);
        var path = SoakFiles.Write(parse.GetValue(_keysTarget.Out)!, result);
        var l = result.Run.LatencyMs;
        Console.Out.WriteLine($"{result.Target} puts over {result.Keys:N0} keys (all written first, {result.PreloadOpsPerSecond:N0} puts/s): {result.Run.OpsPerSecond:N0} ops/s p50 {l.P50:0.00} ms p99 {l.P99:0.00} ms errors {result.Run.Errors} -> {path}");
        return BenchCommandLine.Ok;
    }

    private int Report(ParseResult parse)
    {
        var directory = parse.GetValue(_results)!;
        var soaks = SoakFiles.ReadSoaks(directory);
        var sweep = SoakFiles.ReadKeySweep(directory);
        if (soaks.Count == 0 && sweep.Count == 0) throw new ArgumentException($"no soak-*.json or keys-*.json in {directory}");
        var markdown = SoakReport.Render(soaks, sweep);
        var charts = SoakCharts.RenderAll(soaks, directory);
        var summary = Path.Combine(directory, "soak-summary.md");
        File.WriteAllText(summary, markdown + string.Concat(charts.Select(c => $"![{c}]({c})\n")));
        Console.Out.Write(markdown);
        Console.Out.WriteLine($"summary: {summary}; charts: {string.Join(", ", charts)}");
        return BenchCommandLine.Ok;
    }
}
