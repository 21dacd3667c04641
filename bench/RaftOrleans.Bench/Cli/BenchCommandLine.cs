using System.CommandLine;
using System.CommandLine.Invocation;
using RaftOrleans.Bench.Baseline;
using RaftOrleans.Bench.Failover;
using RaftOrleans.Bench.Load;
using RaftOrleans.Bench.Report;
using RaftOrleans.Bench.Results;
using RaftOrleans.Bench.Stall;
using RaftOrleans.Bench.Targets;

namespace RaftOrleans.Bench.Cli;

/// <summary>The <c>raftkv-bench</c> command line: <c>run</c>, <c>failover</c>, <c>wait</c>, <c>baseline-silo</c>, <c>report</c>, and the soak's (<see cref="SoakCommands"/>).</summary>
public sealed class BenchCommandLine
{
    /// <summary>Exit code: done.</summary>
    public const int Ok = 0;
    /// <summary>Exit code: the measurement failed (target unreachable, cluster never healthy, ...).</summary>
    public const int Failed = 1;
    /// <summary>Exit code: bad arguments.</summary>
    public const int BadArguments = 2;

    private readonly RootCommand _root = new("""
        raftkv-bench: load generator and failover probe for RaftOrleans, etcd and the unreplicated baseline.
        bench/run.sh runs the whole comparison; these commands are its parts.
        """);

    private readonly TargetOptions _runTarget = new();
    private readonly Option<string> _workload = new("--workload") { Description = "put, get, stale-get, cas or mixed.", DefaultValueFactory = _ => "put" };
    private readonly Option<int> _clients = new("--clients") { Description = "Concurrent logical clients.", DefaultValueFactory = _ => 16 };
    private readonly Option<double> _duration = new("--duration") { Description = "Measured seconds.", DefaultValueFactory = _ => 10 };
    private readonly Option<double> _warmup = new("--warmup") { Description = "Unmeasured warm-up seconds.", DefaultValueFactory = _ => 2 };
    private readonly Option<int> _keySize = new("--key-size") { Description = "Key bytes.", DefaultValueFactory = _ => 16 };
    private readonly Option<int> _valueSize = new("--value-size") { Description = "Value bytes.", DefaultValueFactory = _ => 100 };
    private readonly Option<int> _keys = new("--keys") { Description = "Distinct keys.", DefaultValueFactory = _ => 1000 };
    private readonly Option<int> _readPercent = new("--read-percent") { Description = "Gets in the mixed workload, percent.", DefaultValueFactory = _ => 50 };
    private readonly Option<int> _seed = new("--seed") { Description = "Seed of the key choice.", DefaultValueFactory = _ => 1 };
    private readonly Option<bool> _noPreload = new("--no-preload") { Description = "Do not write the key space before read/CAS workloads." };

    private readonly TargetOptions _failoverTarget = new();
    private readonly Option<string> _kill = new("--kill") { Description = "leader or follower.", DefaultValueFactory = _ => "leader" };
    private readonly Option<int> _trials = new("--trials") { Description = "Kill/restart trials.", DefaultValueFactory = _ => 5 };
    private readonly Option<double> _intervalMs = new("--interval-ms") { Description = "Milliseconds between probe writes.", DefaultValueFactory = _ => 10 };
    private readonly Option<string> _pidFile = new("--pid-file") { Description = "Pid file of a member; {name} is replaced by the member name.", Required = true };
    private readonly Option<string> _restart = new("--restart-command") { Description = "bash command that starts member {name} in the background and returns.", Required = true };
    private readonly Option<int> _replicas = new("--replicas") { Description = "Replicas (members) the cluster has.", DefaultValueFactory = _ => 3 };
    private readonly Option<double> _recoveryDeadline = new("--recovery-deadline") { Description = "Seconds to wait for a write after a kill.", DefaultValueFactory = _ => 60 };

    private readonly Option<string> _baselineData = new("--data") { Description = "Data directory (baseline.db).", Required = true };
    private readonly Option<int> _baselineSiloPort = new("--silo-port") { Description = "Silo port.", DefaultValueFactory = _ => 11211 };
    private readonly Option<int> _baselineGatewayPort = new("--gateway-port") { Description = "Gateway port.", DefaultValueFactory = _ => 30201 };

    private readonly TargetOptions _waitTarget = new();
    private readonly Option<double> _waitDeadline = new("--deadline") { Description = "Seconds to wait.", DefaultValueFactory = _ => 120 };
    private readonly Option<int> _waitReplicas = new("--replicas") { Description = "Replicas (members) the cluster has.", DefaultValueFactory = _ => 3 };

    private readonly Option<string> _results = new("--results") { Description = "Results folder to summarise.", Required = true };
    private readonly Option<string?> _title = new("--title") { Description = "Heading of the summary." };

    /// <summary>Builds the command tree.</summary>
    public BenchCommandLine()
    {
        var run = new Command("run", "Drive one target with N concurrent clients for a fixed time; print and save ops/s and latency percentiles.");
        _runTarget.AddTo(run);
        foreach (var o in new Option[] { _workload, _clients, _duration, _warmup, _keySize, _valueSize, _keys, _readPercent, _seed, _noPreload }) run.Options.Add(o);
        run.SetAction((parse, token) => Guard(() => RunLoadAsync(parse, token)));

        var failover = new Command("failover", "kill -9 the leader (or a follower) under a steady write loop, time the first successful write, restart it; repeat.");
        _failoverTarget.AddTo(failover);
        foreach (var o in new Option[] { _kill, _trials, _intervalMs, _pidFile, _restart, _replicas, _recoveryDeadline }) failover.Options.Add(o);
        failover.SetAction((parse, token) => Guard(() => RunFailoverAsync(parse, token)));

        var baseline = new Command("baseline-silo", "Host the unreplicated baseline (one SQLite-persisted grain) in a single silo until SIGTERM.");
        foreach (var o in new Option[] { _baselineData, _baselineSiloPort, _baselineGatewayPort }) baseline.Options.Add(o);
        baseline.SetAction(parse => BaselineSiloHost.RunAsync(parse.GetValue(_baselineData)!, parse.GetValue(_baselineSiloPort), parse.GetValue(_baselineGatewayPort)));

        var wait = new Command("wait", "Wait until a target serves: every replica up with one leader (raftorleans, etcd), or a put answered (baseline).");
        _waitTarget.AddTo(wait);
        wait.Options.Add(_waitDeadline);
        wait.Options.Add(_waitReplicas);
        wait.SetAction((parse, token) => Guard(() => WaitAsync(parse, token)));

        var report = new Command("report", "Write summary.md (comparison table with ratios) and PNG charts from a results folder.");
        report.Options.Add(_results);
        report.Options.Add(_title);
        report.SetAction(parse => Guard(() => Task.FromResult(Report(parse))));

        _root.Subcommands.Add(run);
        _root.Subcommands.Add(failover);
        _root.Subcommands.Add(baseline);
        _root.Subcommands.Add(wait);
        _root.Subcommands.Add(report);
        new SoakCommands().AddTo(_root);
        _root.Subcommands.Add(new StallCommand().Build(Guard));
    }

    /// <summary>Parses and runs; returns the exit code.</summary>
    public async Task<int> RunAsync(string[] args)
    {
        var parse = _root.Parse(args);
        if (parse.Action is ParseErrorAction)
        {
            foreach (var error in parse.Errors) Console.Error.WriteLine($"raftkv-bench: {error.Message}");
            return BadArguments;
        }
        // The baseline silo handles SIGINT/SIGTERM itself; the measurements simply end with the process.
        return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
    }

    /// <summary>Runs a command's action; reports a failure on standard error and maps it to an exit code.</summary>
    internal static async Task<int> Guard(Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"raftkv-bench: {e.Message}");
            return BadArguments;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Every failure is reported: run.sh keeps going after a failed step and needs its reason
            // (a gRPC or socket error from a member that is still starting, for example).
            Console.Error.WriteLine($"raftkv-bench: {e.GetType().Name}: {e.Message}");
            return Failed;
        }
    }

    private async Task<int> RunLoadAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var target = _runTarget.Read(parse);
        var workloadName = parse.GetValue(_workload) ?? "put";
        var settings = new LoadSettings
        {
            Workload = Workloads.Parse(workloadName) ?? throw new ArgumentException($"--workload must be put, get, stale-get, cas or mixed, not '{workloadName}'"),
            Clients = parse.GetValue(_clients),
            Duration = TimeSpan.FromSeconds(parse.GetValue(_duration)),
            Warmup = TimeSpan.FromSeconds(parse.GetValue(_warmup)),
            KeySize = parse.GetValue(_keySize),
            ValueSize = parse.GetValue(_valueSize),
            Keys = parse.GetValue(_keys),
            ReadPercent = parse.GetValue(_readPercent),
            Seed = parse.GetValue(_seed),
        };
        if (settings.Validate() is { } problem) throw new ArgumentException(problem);

        await using var kv = await TargetFactory.ConnectAsync(target, cancellationToken);
        var generator = new LoadGenerator(kv, settings);
        if (settings.Workload.NeedsPreload() && !parse.GetValue(_noPreload))
        {
            await generator.PreloadAsync(cancellationToken);
        }
        var before = kv is RaftOrleansTarget raft ? await raft.StorageCountersAsync() : null;
        var result = await generator.RunAsync(parse.GetValue(_runTarget.Label), cancellationToken);
        if (before is not null)
        {
            var after = await ((RaftOrleansTarget)kv).StorageCountersAsync();
            result = result with { TargetNotes = StorageNotes(before, after) };
        }
        var path = ResultFiles.Write(parse.GetValue(_runTarget.Out)!, result);
        var l = result.LatencyMs;
        Console.Out.WriteLine($"{result.Target} {result.Workload} c={result.Clients}: {result.OpsPerSecond:N0} ops/s  p50 {l.P50:0.00} ms  p99 {l.P99:0.00} ms  p99.9 {l.P999:0.00} ms  max {l.Max:0.0} ms  errors {result.Errors}"
            + (result.Conflicts > 0 ? $"  conflicts {result.Conflicts}" : "") + $"  -> {path}");
        foreach (var n in result.TargetNotes) Console.Out.WriteLine($"  {n}");
        foreach (var e in result.SampleErrors) Console.Out.WriteLine($"  error: {e}");
        return Ok;
    }

    /// <summary>Per replica: storage writes and entries persisted during the run (warm-up included), and their ratio.</summary>
    private static List<string> StorageNotes(
        IReadOnlyDictionary<string, (string Role, long Writes, long Entries)> before,
        IReadOnlyDictionary<string, (string Role, long Writes, long Entries)> after)
        => [.. after.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a =>
        {
            var (role, writes, entries) = a.Value;
            var (_, writesBefore, entriesBefore) = before.GetValueOrDefault(a.Key);
            var w = writes - writesBefore;
            var e = entries - entriesBefore;
            return $"{a.Key} ({role}): {w} storage writes, {e} entries persisted" + (w > 0 ? $", {(double)e / w:0.00} entries/write" : "");
        })];

    private async Task<int> RunFailoverAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var target = _failoverTarget.Read(parse);
        var kill = parse.GetValue(_kill) ?? "leader";
        var settings = new FailoverSettings
        {
            Victim = kill switch
            {
                "leader" => VictimKind.Leader,
                "follower" => VictimKind.Follower,
                _ => throw new ArgumentException($"--kill must be leader or follower, not '{kill}'"),
            },
            Trials = Math.Max(1, parse.GetValue(_trials)),
            WriteInterval = TimeSpan.FromMilliseconds(Math.Max(1, parse.GetValue(_intervalMs))),
            RecoveryDeadline = TimeSpan.FromSeconds(Math.Max(1, parse.GetValue(_recoveryDeadline))),
        };
        var processes = new MemberProcesses(parse.GetValue(_pidFile)!, parse.GetValue(_restart)!);
        await using var cluster = await ConnectFailoverAsync(target, parse.GetValue(_replicas), cancellationToken);
        var result = await new FailoverRunner(cluster, processes, settings).RunAsync(parse.GetValue(_failoverTarget.Label), cancellationToken);
        var path = ResultFiles.Write(parse.GetValue(_failoverTarget.Out)!, result);
        Console.Out.WriteLine($"{result.Target} failover ({result.Victim} killed, {result.Trials.Count} trials): median {result.MedianMs:0} ms  max {result.MaxMs:0} ms"
            + (result.Unrecovered > 0 ? $"  UNRECOVERED {result.Unrecovered}" : "") + $"  -> {path}");
        return result.Unrecovered > 0 ? Failed : Ok;
    }

    /// <summary>Connects to a replicated target as a failover cluster (health, roles, the client to write through).</summary>
    internal static async Task<IFailoverCluster> ConnectFailoverAsync(TargetSettings target, int replicas, CancellationToken cancellationToken)
    {
        switch (target.Kind)
        {
            case TargetKind.RaftOrleans:
                var kv = (RaftOrleansTarget)await TargetFactory.ConnectAsync(target, cancellationToken);
                return new RaftOrleansFailoverCluster(kv, replicas);
            case TargetKind.Etcd:
                return new EtcdFailoverCluster(new EtcdTarget(target.EtcdEndpoints, target.OperationTimeout), target.EtcdEndpoints);
            default:
                throw new ArgumentException("failover needs a replicated target: raftorleans or etcd");
        }
    }

    private async Task<int> WaitAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var target = _waitTarget.Read(parse);
        var deadline = TimeSpan.FromSeconds(Math.Max(1, parse.GetValue(_waitDeadline)));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        if (target.Kind == TargetKind.Baseline)
        {
            await using var kv = await TargetFactory.ConnectAsync(target, cancellationToken);
            await HealthWaiter.WaitAsync(async _ => (await kv.PutAsync("bench-ready", "1")).Error, deadline, cancellationToken);
        }
        else
        {
            await using var cluster = await ConnectFailoverAsync(target, parse.GetValue(_waitReplicas), cancellationToken);
            await HealthWaiter.WaitAsync(cluster.UnhealthyReasonAsync, deadline, cancellationToken);
        }
        Console.Out.WriteLine($"{target.Kind.Name()} is serving ({clock.Elapsed.TotalSeconds:0.0} s)");
        return Ok;
    }

    private int Report(ParseResult parse)
    {
        var directory = parse.GetValue(_results)!;
        var results = ResultSet.Load(directory);
        if (results.Runs.Count == 0 && results.Failovers.Count == 0) throw new ArgumentException($"no result files in {directory}");
        var markdown = MarkdownReport.Render(results, parse.GetValue(_title));
        var summary = Path.Combine(directory, "summary.md");
        var charts = ChartRenderer.RenderAll(results, directory);
        File.WriteAllText(summary, markdown + string.Concat(charts.Select(c => $"![{c}]({c})\n")));
        Console.Out.Write(markdown);
        Console.Out.WriteLine($"summary: {summary}; charts: {string.Join(", ", charts)}");
        return Ok;
    }
}
