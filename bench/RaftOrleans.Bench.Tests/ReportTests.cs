using RaftOrleans.Bench.Report;
using RaftOrleans.Bench.Results;
using Xunit;

namespace RaftOrleans.Bench.Tests;

public sealed class ReportTests
{
    private static readonly MachineInfo Machine = new() { Cores = 2, LoadAverage1m = 0.5 };

    private static RunResult Run(string target, string workload, int clients, double opsPerSecond, double p50, double p99) => new()
    {
        Target = target,
        Workload = workload,
        Clients = clients,
        Operations = 1000,
        OpsPerSecond = opsPerSecond,
        LatencyMs = new LatencySummary { Count = 1000, P50 = p50, P99 = p99, P999 = p99 * 2, Max = p99 * 3 },
        Machine = Machine,
        StartedUtc = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc),
    };

    private static FailoverResult Failover(string target, double median) => new()
    {
        Target = target,
        Victim = "leader",
        Trials = [new FailoverTrial { Member = "m1", RecoveryMs = median }],
        MedianMs = median,
        MaxMs = median,
        Machine = Machine,
    };

    private static ResultSet Sample() => new(
        [
            Run("raftorleans", "put", 64, 6000, 5, 80),
            Run("etcd", "put", 64, 2700, 20, 90),
            Run("baseline", "put", 64, 15000, 2, 10),
            Run("raftorleans", "put", 1, 400, 3.0, 6),
            Run("etcd", "put", 1, 300, 2.5, 5),
        ],
        [Failover("raftorleans", 500), Failover("etcd", 1200)]);

    [Fact]
    public void Ratios_divide_raftorleans_by_the_other_target()
    {
        var rows = Comparisons.Rows(Sample());
        var puts64 = rows.Single(r => r.Label == "put throughput, 64 clients");
        Assert.Equal(6000.0 / 2700, puts64.Ratio("etcd")!.Value, 9);
        Assert.Equal(0.4, puts64.Ratio("baseline")!.Value, 9);
    }

    [Fact]
    public void Goals_are_judged_on_their_ratio_and_direction()
    {
        var goals = Comparisons.Goals(Comparisons.Rows(Sample())).ToDictionary(g => g.Goal, g => g.Met);
        Assert.Equal(true, goals["puts at 64 clients: at least 2x etcd's throughput"]);
        Assert.Equal(true, goals["puts at 64 clients: p99 no higher than etcd's"]);
        Assert.Equal(false, goals["single-client put p50 no higher than etcd's"]);
        Assert.Equal(true, goals["failover (leader killed) median at most half of etcd's"]);
        Assert.Equal(false, goals["replicated puts at 64 clients: at least half the baseline's throughput"]);
        Assert.False(goals.ContainsKey("linearizable gets at 64 clients: at least etcd's throughput"));
    }

    [Fact]
    public void Rows_with_no_measurement_are_left_out()
    {
        var labels = Comparisons.Rows(Sample()).Select(r => r.Label).ToList();
        Assert.DoesNotContain("put throughput, 16 clients", labels);
        Assert.Contains("put throughput, 1 client", labels);
    }

    [Fact]
    public void Markdown_shows_values_ratios_and_unmet_goals()
    {
        var md = MarkdownReport.Render(Sample());
        Assert.Contains("| put throughput, 64 clients (ops/s) | 6,000 | 2,700 | 15,000 | 2.22× | 0.40× |", md, StringComparison.Ordinal);
        Assert.Contains("| single-client put p50 no higher than etcd's | ≤ 1.00 | 1.20× | **no** |", md, StringComparison.Ordinal);
    }

    [Fact]
    public void Results_round_trip_through_their_files()
    {
        var directory = Path.Combine(Path.GetTempPath(), "raftkv-bench-tests-" + Guid.NewGuid().ToString("N"));
        try
        {
            var run = Run("etcd", "get", 64, 6900, 4, 30);
            ResultFiles.Write(directory, run);
            ResultFiles.Write(directory, Failover("etcd", 1200));
            var loaded = ResultSet.Load(directory);
            Assert.Equal(6900, Assert.Single(loaded.Runs).OpsPerSecond);
            Assert.Equal(30, loaded.Runs[0].LatencyMs.P99);
            Assert.Equal(1200, Assert.Single(loaded.Failovers).MedianMs);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
