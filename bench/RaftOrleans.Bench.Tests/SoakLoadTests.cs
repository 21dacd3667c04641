using RaftOrleans.Bench.Results;
using RaftOrleans.Bench.Soak;
using Xunit;

namespace RaftOrleans.Bench.Tests;

public sealed class SoakLoadTests
{
    private static readonly MachineInfo Machine = new() { Cores = 2, LoadAverage1m = 0 };

    [Fact]
    public async Task The_run_serves_its_count_split_into_tenths_and_counts_the_distinct_keys_written()
    {
        var target = new FakeTarget();
        var load = new SoakLoad(target, new SoakSettings { Puts = 5003, Clients = 8, Keys = 50, Parts = 10 });
        await load.RunAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));

        var tenths = Enumerable.Range(0, 10).Select(p => load.Part(p, [], Machine)).ToList();
        Assert.All(Enumerable.Range(0, 10), p => Assert.True(load.PartEnded(p).IsCompletedSuccessfully));
        Assert.Equal(5003, tenths.Sum(t => t.Operations));
        Assert.Equal(Enumerable.Range(1, 10), tenths.Select(t => t.Tenth));
        Assert.All(tenths, t => Assert.Equal(t.Operations, t.LatencyMs.Count));
        Assert.All(tenths, t => Assert.Equal(0, t.Errors));
        // Every client stops once the count is reached; each may have had one put in flight then.
        Assert.InRange(load.AllServed, 5003, 5003 + 8 - 1);
        Assert.Equal(load.AllServed, target.Puts);
        Assert.Equal(5003, load.Served);
        // 5,003 uniform picks of 50 keys miss a given key with probability (49/50)^5003 ≈ 1e-44.
        Assert.Equal(50, load.DistinctKeysWritten());
        Assert.True(tenths.Zip(tenths.Skip(1)).All(p => p.First.EndedAtSeconds <= p.Second.EndedAtSeconds), "tenths end in order");
    }

    [Fact]
    public async Task Time_paused_is_excluded_from_the_part_it_falls_in_and_no_put_runs_meanwhile()
    {
        var target = new FakeTarget();
        var load = new SoakLoad(target, new SoakSettings { Puts = 20_000, Clients = 4, Keys = 100, Parts = 10 });
        var run = load.RunAsync(CancellationToken.None);
        await load.PartEnded(0).WaitAsync(TimeSpan.FromSeconds(60));
        var (during, pausedFor) = await load.PauseAsync(async () =>
        {
            var before = Volatile.Read(ref target.Puts);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            // The pause must span measurable time for the exclusion to show; nothing is synchronised on it.
            await Task.Delay(TimeSpan.FromMilliseconds(300));
            return (Volatile.Read(ref target.Puts) - before, clock.Elapsed);
        }, CancellationToken.None);
        await run.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(0, during);
        // The pause falls in whichever part was running when it began (puts ran on while the first
        // tenth's end was signalled): exactly one part holds it, and its own time excludes it.
        var parts = Enumerable.Range(0, 10).Select(p => load.Part(p, [], Machine)).ToList();
        var paused = Assert.Single(parts, t => t.PausedSeconds > 0);
        Assert.InRange(paused.PausedSeconds, pausedFor.TotalSeconds, pausedFor.TotalSeconds + 5);
        var previousEnd = paused.Tenth == 1 ? 0 : parts[paused.Tenth - 2].EndedAtSeconds;
        // Within 10 µs: the pause is converted from timestamps to 100 ns ticks.
        Assert.InRange(paused.Seconds - (paused.EndedAtSeconds - previousEnd - paused.PausedSeconds), -1e-5, 1e-5);
        Assert.True(paused.Seconds < pausedFor.TotalSeconds + 60);
    }

    [Fact]
    public async Task Failed_puts_are_counted_as_errors_never_served_and_the_clients_stop_when_told()
    {
        var load = new SoakLoad(new FakeTarget(failEverything: true), new SoakSettings { Puts = 100, Clients = 2, Keys = 10, Parts = 10 });
        using var stop = new CancellationTokenSource();
        var run = load.RunAsync(stop.Token);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (load.Errors < 10)
        {
            Assert.True(DateTime.UtcNow < deadline, $"only {load.Errors} errors after 30 s");
            await Task.Delay(10);
        }
        Assert.Equal(0, load.Served);
        Assert.False(run.IsCompleted);
        Assert.Contains("down", load.SampleErrors);
        Assert.False(load.PartEnded(0).IsCompleted);
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, load.DistinctKeysWritten());
    }
}
