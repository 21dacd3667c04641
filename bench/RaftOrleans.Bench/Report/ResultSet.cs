using RaftOrleans.Bench.Results;

namespace RaftOrleans.Bench.Report;

/// <summary>The results of one benchmark run folder, with look-ups by target, workload and clients.</summary>
public sealed class ResultSet(IReadOnlyList<RunResult> runs, IReadOnlyList<FailoverResult> failovers)
{
    /// <summary>Target names in table order.</summary>
    public static readonly string[] Targets = ["raftorleans", "etcd", "baseline"];

    /// <summary>Every run.</summary>
    public IReadOnlyList<RunResult> Runs { get; } = runs;

    /// <summary>Every failover measurement.</summary>
    public IReadOnlyList<FailoverResult> Failovers { get; } = failovers;

    /// <summary>Loads every result file of <paramref name="directory"/>.</summary>
    public static ResultSet Load(string directory) => new(ResultFiles.ReadRuns(directory), ResultFiles.ReadFailovers(directory));

    /// <summary>The run of <paramref name="target"/>/<paramref name="workload"/> at <paramref name="clients"/> (the latest, if repeated).</summary>
    public RunResult? Run(string target, string workload, int clients)
        => Runs.Where(r => r.Target == target && r.Workload == workload && r.Clients == clients).MaxBy(r => r.StartedUtc);

    /// <summary>The failover measurement of <paramref name="target"/> killing a <paramref name="victim"/>.</summary>
    public FailoverResult? Failover(string target, string victim)
        => Failovers.Where(f => f.Target == target && f.Victim == victim).MaxBy(f => f.StartedUtc);

    /// <summary>Distinct client counts of <paramref name="workload"/> runs, ascending.</summary>
    public IReadOnlyList<int> ClientCounts(string workload)
        => [.. Runs.Where(r => r.Workload == workload).Select(r => r.Clients).Distinct().Order()];
}
