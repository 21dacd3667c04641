using RaftOrleans.Bench.Results;

namespace RaftOrleans.Bench.Report;

/// <summary>One row of the comparison table: a measure taken on every target.</summary>
/// <param name="Label">What is measured.</param>
/// <param name="Unit">Unit shown after values.</param>
/// <param name="HigherIsBetter">Whether a larger value is better (throughput) or worse (latency, failover).</param>
/// <param name="Values">The value per target name (missing when not measured).</param>
public sealed record ComparisonRow(string Label, string Unit, bool HigherIsBetter, IReadOnlyDictionary<string, double> Values)
{
    /// <summary>RaftOrleans' value divided by <paramref name="other"/>'s, or null when either is missing or the divisor is zero.</summary>
    public double? Ratio(string other)
        => Values.TryGetValue("raftorleans", out var mine) && Values.TryGetValue(other, out var theirs) && theirs != 0 ? mine / theirs : null;
}

/// <summary>A goal from the issue, judged on a ratio of one comparison row.</summary>
/// <param name="Goal">The goal in words.</param>
/// <param name="Row">The row whose ratio is judged.</param>
/// <param name="Against">The other target of the ratio.</param>
/// <param name="AtLeast">True when the ratio must be at least <paramref name="Bound"/>, false when at most.</param>
/// <param name="Bound">The bound on the ratio.</param>
public sealed record TargetGoal(string Goal, ComparisonRow Row, string Against, bool AtLeast, double Bound)
{
    /// <summary>The measured ratio, or null when not measured.</summary>
    public double? Ratio => Row.Ratio(Against);

    /// <summary>Met, not met, or null when not measured.</summary>
    public bool? Met => Ratio is { } r ? (AtLeast ? r >= Bound : r <= Bound) : null;
}

/// <summary>Builds the comparison rows and goals from a <see cref="ResultSet"/>.</summary>
public static class Comparisons
{
    /// <summary>The rows of the summary table, in order.</summary>
    public static IReadOnlyList<ComparisonRow> Rows(ResultSet results)
    {
        var rows = new List<ComparisonRow>();
        foreach (var clients in Union(results.ClientCounts("put"), [1, 16, 64, 256]))
        {
            rows.Add(RunRow(results, $"put throughput, {clients} client{(clients == 1 ? "" : "s")}", "ops/s", true, "put", clients, r => r.OpsPerSecond));
        }
        rows.Add(RunRow(results, "put latency p50, 1 client", "ms", false, "put", 1, r => r.LatencyMs.P50));
        rows.Add(RunRow(results, "put latency p50, 64 clients", "ms", false, "put", 64, r => r.LatencyMs.P50));
        rows.Add(RunRow(results, "put latency p99, 64 clients", "ms", false, "put", 64, r => r.LatencyMs.P99));
        rows.Add(RunRow(results, "put latency p99.9, 64 clients", "ms", false, "put", 64, r => r.LatencyMs.P999));
        foreach (var clients in Union(results.ClientCounts("get"), [64]))
        {
            rows.Add(RunRow(results, $"linearizable get throughput, {clients} clients", "ops/s", true, "get", clients, r => r.OpsPerSecond));
            rows.Add(RunRow(results, $"linearizable get latency p99, {clients} clients", "ms", false, "get", clients, r => r.LatencyMs.P99));
        }
        rows.Add(FailoverRow(results, "failover, leader killed: first write, median", "leader", f => f.MedianMs));
        rows.Add(FailoverRow(results, "failover, leader killed: first write, max", "leader", f => f.MaxMs));
        rows.Add(FailoverRow(results, "failover, follower killed: first write, median", "follower", f => f.MedianMs));
        return [.. rows.Where(r => r.Values.Count > 0)];
    }

    /// <summary>The issue's goals, each judged on the matching row (rows that were not measured are skipped).</summary>
    public static IReadOnlyList<TargetGoal> Goals(IReadOnlyList<ComparisonRow> rows)
    {
        ComparisonRow? Find(string label) => rows.FirstOrDefault(r => r.Label == label);
        var goals = new List<TargetGoal>();
        void Add(string goal, string label, string against, bool atLeast, double bound)
        {
            if (Find(label) is { } row) goals.Add(new TargetGoal(goal, row, against, atLeast, bound));
        }
        Add("puts at 64 clients: at least 2x etcd's throughput", "put throughput, 64 clients", "etcd", true, 2.0);
        Add("puts at 64 clients: p99 no higher than etcd's", "put latency p99, 64 clients", "etcd", false, 1.0);
        Add("single-client put p50 no higher than etcd's", "put latency p50, 1 client", "etcd", false, 1.0);
        Add("linearizable gets at 64 clients: at least etcd's throughput", "linearizable get throughput, 64 clients", "etcd", true, 1.0);
        Add("failover (leader killed) median at most half of etcd's", "failover, leader killed: first write, median", "etcd", false, 0.5);
        Add("replicated puts at 64 clients: at least half the baseline's throughput", "put throughput, 64 clients", "baseline", true, 0.5);
        return goals;
    }

    private static IEnumerable<int> Union(IEnumerable<int> measured, IEnumerable<int> planned) => measured.Union(planned).Order();

    private static ComparisonRow RunRow(ResultSet results, string label, string unit, bool higherIsBetter, string workload, int clients, Func<RunResult, double> value)
    {
        var values = new Dictionary<string, double>();
        foreach (var target in ResultSet.Targets)
        {
            if (results.Run(target, workload, clients) is { } run && run.Operations > 0) values[target] = value(run);
        }
        return new ComparisonRow(label, unit, higherIsBetter, values);
    }

    private static ComparisonRow FailoverRow(ResultSet results, string label, string victim, Func<FailoverResult, double?> value)
    {
        var values = new Dictionary<string, double>();
        foreach (var target in ResultSet.Targets)
        {
            if (results.Failover(target, victim) is { } f && value(f) is { } v) values[target] = v;
        }
        return new ComparisonRow(label, "ms", false, values);
    }
}
