using System.CommandLine;
using RaftOrleans.Bench.Failover;
using RaftOrleans.Bench.Soak;

namespace RaftOrleans.Bench.Cli;

/// <summary>The options that name a cluster's members and where their pid files and data directories are (soak and key sweep).</summary>
public sealed class MemberOptions(bool required)
{
    /// <summary>--members.</summary>
    public Option<string?> Members { get; } = new("--members") { Description = "Member names, comma-separated (silo1,silo2,silo3 or etcd1,etcd2,etcd3)." };
    /// <summary>--pid-file.</summary>
    public Option<string?> PidFile { get; } = new("--pid-file") { Description = "Pid file of a member; {name} is replaced by the member name." };
    /// <summary>--member-data.</summary>
    public Option<string?> DataDirectory { get; } = new("--member-data") { Description = "Data directory of a member; {name} is replaced by the member name." };
    /// <summary>--restart-command.</summary>
    public Option<string?> RestartCommand { get; } = new("--restart-command") { Description = "bash command that starts member {name} in the background and returns." };

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        foreach (var o in new Option[] { Members, PidFile, DataDirectory, RestartCommand }) command.Options.Add(o);
    }

    /// <summary>The members, or null when none were given and they are optional.</summary>
    public MemberSet? Read(ParseResult parse)
    {
        var names = (parse.GetValue(Members) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var pid = parse.GetValue(PidFile);
        var data = parse.GetValue(DataDirectory);
        var restart = parse.GetValue(RestartCommand);
        if (names.Length == 0 && pid is null && data is null && restart is null && !required) return null;
        if (names.Length < 2) throw new ArgumentException("--members must name every member (at least 2)");
        if (pid is null || data is null) throw new ArgumentException("--pid-file and --member-data are needed with --members");
        if (required && restart is null) throw new ArgumentException("--restart-command is needed to restart members");
        return new MemberSet(names, new MemberProcesses(pid, restart ?? "false"), data);
    }
}
