using RaftOrleans.Bench.Results;
using RaftOrleans.Bench.Soak;
using Xunit;

namespace RaftOrleans.Bench.Tests;

public sealed class SoakGoalsTests
{
    private static readonly MachineInfo Machine = new() { Cores = 2, LoadAverage1m = 1 };

    private static TenthResult Tenth(int n, double opsPerSecond, params (string Member, long? Rss, long Disk)[] members) => new()
    {
        Tenth = n,
        Operations = 100,
        Seconds = 100 / opsPerSecond,
        OpsPerSecond = opsPerSecond,
        LatencyMs = new LatencySummary { Count = 100, P50 = 5, P99 = 20 },
        Members = [.. members.Select(m => new MemberSample { Member = m.Member, RssBytes = m.Rss, DiskBytes = m.Disk })],
        Machine = Machine,
    };

    private const long Mb = 1 << 20;

    private static SoakResult Soak(string target, double firstOps, double lastOps, double restartStart, double restartEnd, double returning) => new()
    {
        Target = target,
        Puts = 1000,
        Tenths =
        [
            Tenth(1, firstOps, ("m1", 100 * Mb, 10 * Mb), ("m2", 100 * Mb, 10 * Mb), ("m3", 90 * Mb, 10 * Mb)),
            Tenth(2, firstOps, ("m1", 110 * Mb, 20 * Mb), ("m2", 110 * Mb, 20 * Mb), ("m3", 95 * Mb, 20 * Mb)),
            Tenth(3, lastOps, ("m1", 120 * Mb, 24 * Mb), ("m2", null, 20 * Mb), ("m3", 180 * Mb, 30 * Mb)),
        ],
        CatchUps =
        [
            new CatchUpResult { Kind = CatchUpKinds.RestartAtStart, Member = "m3", CaughtUpMs = restartStart },
            new CatchUpResult { Kind = CatchUpKinds.Returning, Member = "m2", CaughtUpMs = returning },
            new CatchUpResult { Kind = CatchUpKinds.RestartAtEnd, Member = "m3", CaughtUpMs = restartEnd },
        ],
        Machine = Machine,
    };

    private static KeySweepResult Point(string target, int keys, double ops) => new()
    {
        Target = target,
        Keys = keys,
        DistinctKeysWritten = keys,
        Run = new RunResult { Target = target, Workload = "put", Clients = 64, Operations = 1000, OpsPerSecond = ops, LatencyMs = new LatencySummary(), Machine = Machine },
    };

    [Fact]
    public void Every_target_is_computed_as_the_ratio_of_the_right_measurements()
    {
        var goals = SoakGoals.Evaluate(
            [Soak("raftorleans", 5000, 4000, 800, 1000, 3000), Soak("etcd", 3000, 2500, 500, 500, 2000)],
            [Point("raftorleans", 1000, 8000), Point("raftorleans", 1_000_000, 6000), Point("etcd", 1_000_000, 2000), Point("etcd", 1000, 3500)]);

        Assert.Equal(9, goals.Count);
        Assert.Equal(0.8, goals[0].Ratio!.Value, 9); // last / first tenth
        Assert.False(goals[0].Met);
        // RSS: m3 grew 90 -> 180 MiB (2.0x) and is the worst; m2 was down at the end and is left out.
        Assert.Equal(2.0, goals[1].Ratio!.Value, 9);
        Assert.Equal("m3: 180.0 MiB / 90.0 MiB", goals[1].Detail);
        Assert.False(goals[1].Met);
        // Disk: end vs the middle tenth (tenth 1 of 3): m1 10 -> 24 MiB = 2.4x, m3 10 -> 30 = 3.0x.
        Assert.Equal(3.0, goals[2].Ratio!.Value, 9);
        Assert.Equal(0.5, goals[3].Ratio!.Value, 9); // 1000 ms / 2000 ms
        Assert.True(goals[3].Met);
        Assert.Equal(1.25, goals[4].Ratio!.Value, 9); // end 1000 / start 800
        Assert.False(goals[4].Met);
        Assert.Equal(1.5, goals[5].Ratio!.Value, 9); // returning 3000 / etcd 2000
        Assert.False(goals[5].Met);
        Assert.Equal(0.75, goals[6].Ratio!.Value, 9); // 6000 / 8000
        Assert.Contains("over 1,000,000 keys ≥ 0.8× over 1,000 keys", goals[6].Goal, StringComparison.Ordinal);
        Assert.False(goals[6].Met);
        Assert.Equal(3.0, goals[7].Ratio!.Value, 9); // 6000 / etcd's 2000 at 1M keys
        Assert.True(goals[7].Met);
        Assert.Equal(1.6, goals[8].Ratio!.Value, 9); // last tenth 4000 / etcd's 2500
        Assert.False(goals[8].Met);
    }

    [Fact]
    public void Missing_measurements_are_not_measured_rather_than_met()
    {
        var goals = SoakGoals.Evaluate([Soak("raftorleans", 5000, 5000, 800, 700, 3000)], []);
        Assert.True(goals[0].Met);
        Assert.True(goals[4].Met); // 700 / 800
        Assert.Null(goals[5].Met); // no etcd soak
        Assert.Null(goals[6].Met); // no sweep
        Assert.Null(goals[7].Met);
        Assert.Null(goals[8].Met);
    }

    [Fact]
    public void A_member_that_never_caught_up_leaves_its_target_unmeasured_and_the_report_says_so()
    {
        var raft = Soak("raftorleans", 5000, 5000, 800, 700, 3000) with
        {
            CatchUps = [new CatchUpResult { Kind = CatchUpKinds.Returning, Member = "m2", CaughtUpMs = null, TargetIndex = 5000 }],
        };
        var goals = SoakGoals.Evaluate([raft, Soak("etcd", 1, 1, 1, 1, 1)], []);
        Assert.Null(goals[5].Ratio);
        var markdown = SoakReport.Render([raft], []);
        Assert.Contains("| follower stopped for the second half, started after the run | not caught up | — |", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void The_report_has_a_row_per_tenth_with_each_members_RSS_and_disk()
    {
        var markdown = SoakReport.Render([Soak("raftorleans", 5000, 4000, 800, 1000, 3000)], [Point("raftorleans", 1000, 8000), Point("raftorleans", 100_000, 7100)]);
        Assert.Contains("| tenth | puts | s | ops/s | p50 ms | p99 ms | errors | load | m1 RSS MiB | m2 RSS MiB | m3 RSS MiB | m1 disk MiB | m2 disk MiB | m3 disk MiB |", markdown, StringComparison.Ordinal);
        Assert.Contains("| 3 | 100 | 0.0 | 4,000 | 5.00 | 20.00 | 0 | 1.0 | 120.0 | down | 180.0 | 24.0 | 20.0 | 30.0 |", markdown, StringComparison.Ordinal);
        Assert.Contains("| 100,000 | 7,100 | — | — | 0.89× |", markdown, StringComparison.Ordinal);
        Assert.Contains("| RaftOrleans last-tenth throughput ≥ 0.9× its first tenth | ≥ 0.90 | 0.80× | 4,000 / 5,000 ops/s | **no** |", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void Smoothed_rates_average_the_cumulative_counts_over_the_trailing_window()
    {
        var rates = SoakCharts.SmoothedRates([(0, 0), (1, 100), (2, 300), (3, 600), (4, 1000)], 2);
        Assert.Equal([100.0, 100, 150, 250, 350], rates);
    }
}

