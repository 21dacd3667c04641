using System.CommandLine;
using System.Globalization;
using RaftOrleans.Bench.Failover;

namespace RaftOrleans.Bench.Stall;

/// <summary>The <c>stall</c> subcommand: its options and action.</summary>
public sealed class StallCommand
{
    private readonly Option<string[]> _gateways = new("--gateway") { Description = "Gateway port (or 127.0.0.1:port) of silo1, silo2, ... in order (repeat).", Required = true };
    private readonly Option<string> _pidFile = new("--pid-file") { Description = "Pid file of a silo; {name} is replaced by the silo name.", Required = true };
    private readonly Option<string> _clusterId = new("--cluster-id") { Description = "Orleans cluster id.", DefaultValueFactory = _ => "raftkv" };
    private readonly Option<string?> _serviceId = new("--service-id") { Description = "Orleans service id (default: the cluster id)." };
    private readonly Option<string> _parts = new("--parts") { Description = "a (leader pauses), b (random pause cycles) or ab.", DefaultValueFactory = _ => "ab" };
    private readonly Option<int> _trials = new("--trials") { Description = "(a) leader pauses.", DefaultValueFactory = _ => 10 };
    private readonly Option<double> _pause = new("--pause") { Description = "(a) seconds each leader pause lasts.", DefaultValueFactory = _ => 10 };
    private readonly Option<int> _cycles = new("--cycles") { Description = "(b) random pause/resume cycles.", DefaultValueFactory = _ => 20 };
    private readonly Option<double> _minPause = new("--min-pause") { Description = "(b) shortest pause, seconds.", DefaultValueFactory = _ => 1 };
    private readonly Option<double> _maxPause = new("--max-pause") { Description = "(b) longest pause, seconds.", DefaultValueFactory = _ => 15 };
    private readonly Option<int> _clients = new("--clients") { Description = "(b) concurrent logical clients.", DefaultValueFactory = _ => 6 };
    private readonly Option<int> _keys = new("--keys") { Description = "(b) keys they share.", DefaultValueFactory = _ => 8 };
    private readonly Option<int> _seed = new("--seed") { Description = "Seed of the random pauses and the workload.", DefaultValueFactory = _ => 1 };
    private readonly Option<double> _timeout = new("--timeout") { Description = "Per-call deadline, seconds.", DefaultValueFactory = _ => 5 };
    private readonly Option<string?> _out = new("--out") { Description = "Also write the table to this Markdown file." };

    /// <summary>Builds the command; <paramref name="guard"/> maps exceptions to exit codes.</summary>
    public Command Build(Func<Func<Task<int>>, Task<int>> guard)
    {
        var command = new Command("stall", """
            SIGSTOP/SIGCONT silos of a running cluster: (a) pause the leader 10 s under a write loop, 10 times (time to the first
            write, same process, fresh read through it, term stable); (b) 20 random 1-15 s pauses of random silos under a mixed
            workload (silo deaths, linearizability, lost writes, % answered). Prints a table of figures and targets.
            """);
        foreach (var o in new Option[] { _gateways, _pidFile, _clusterId, _serviceId, _parts, _trials, _pause, _cycles, _minPause, _maxPause, _clients, _keys, _seed, _timeout, _out })
        {
            command.Options.Add(o);
        }
        command.SetAction((parse, token) => guard(() => RunAsync(parse, token)));
        return command;
    }

    private async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var clusterId = parse.GetValue(_clusterId)!;
        var parts = parse.GetValue(_parts) ?? "ab";
        if (parts.Length == 0 || parts.Any(c => c is not ('a' or 'b'))) throw new ArgumentException($"--parts must be a, b or ab, not '{parts}'");
        var (min, max) = (parse.GetValue(_minPause), parse.GetValue(_maxPause));
        if (min <= 0 || max < min) throw new ArgumentException("--min-pause must be positive and at most --max-pause");
        var settings = new StallSettings
        {
            GatewayPorts = [.. (parse.GetValue(_gateways) ?? []).Select(ParsePort)],
            ClusterId = clusterId,
            ServiceId = parse.GetValue(_serviceId) ?? clusterId,
            Parts = parts,
            Trials = Math.Max(1, parse.GetValue(_trials)),
            LeaderPause = TimeSpan.FromSeconds(Math.Max(0.1, parse.GetValue(_pause))),
            Cycles = Math.Max(1, parse.GetValue(_cycles)),
            CyclePauseSeconds = (min, max),
            Clients = Math.Max(1, parse.GetValue(_clients)),
            Keys = Math.Max(1, parse.GetValue(_keys)),
            Seed = parse.GetValue(_seed),
            ResponseTimeout = TimeSpan.FromSeconds(Math.Max(0.5, parse.GetValue(_timeout))),
        };
        if (settings.GatewayPorts.Count < 3) throw new ArgumentException("stall needs the gateways of at least three silos");
        // The restart command is never used: this benchmark only pauses and resumes.
        var processes = new MemberProcesses(parse.GetValue(_pidFile)!, "false");
        var (rows, table) = await StallBenchmark.RunAsync(settings, processes, Console.Out, cancellationToken);
        Console.Out.WriteLine();
        Console.Out.Write(table);
        if (parse.GetValue(_out) is { Length: > 0 } path)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            await File.WriteAllTextAsync(path, table, cancellationToken);
        }
        return rows.All(r => r.Met) ? 0 : 1;
    }

    private static int ParsePort(string text)
    {
        var port = text.Contains(':', StringComparison.Ordinal) ? text[(text.LastIndexOf(':') + 1)..] : text;
        return int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value is > 0 and < 65536
            ? value
            : throw new ArgumentException($"--gateway must be a port or 127.0.0.1:port, not '{text}'");
    }
}
