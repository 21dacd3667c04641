using RaftOrleans.Bench.Load;
using Xunit;

namespace RaftOrleans.Bench.Tests;

public sealed class LoadGeneratorTests
{
    private static LoadSettings Short(Workload workload, int clients) => new()
    {
        Workload = workload,
        Clients = clients,
        Duration = TimeSpan.FromMilliseconds(300),
        Warmup = TimeSpan.FromMilliseconds(50),
        Keys = 20,
    };

    [Fact]
    public async Task Preload_writes_every_key_once()
    {
        var target = new FakeTarget();
        await new LoadGenerator(target, Short(Workload.Get, 4)).PreloadAsync(CancellationToken.None);
        Assert.Equal(20, target.Puts);
    }

    [Fact]
    public async Task Gets_after_preload_find_every_key()
    {
        var target = new FakeTarget();
        var generator = new LoadGenerator(target, Short(Workload.Get, 4));
        await generator.PreloadAsync(CancellationToken.None);
        var result = await generator.RunAsync("test", CancellationToken.None);
        Assert.True(result.Operations > 0, "no operation was served");
        Assert.Equal(0, result.NotFound);
        Assert.Equal(0, result.Errors);
        Assert.Equal(result.Operations, result.LatencyMs.Count);
        Assert.Equal("get", result.Workload);
        Assert.Equal(4, result.Clients);
    }

    [Fact]
    public async Task A_single_cas_client_always_knows_the_current_value()
    {
        var target = new FakeTarget();
        var generator = new LoadGenerator(target, Short(Workload.Cas, 1));
        await generator.PreloadAsync(CancellationToken.None);
        var result = await generator.RunAsync(null, CancellationToken.None);
        Assert.True(result.Operations > 0, "no operation was served");
        Assert.Equal(0, result.Conflicts);
    }

    [Fact]
    public async Task A_target_that_fails_everything_serves_nothing_and_counts_errors()
    {
        var generator = new LoadGenerator(new FakeTarget(failEverything: true), Short(Workload.Put, 2));
        var result = await generator.RunAsync(null, CancellationToken.None);
        Assert.Equal(0, result.Operations);
        Assert.Equal(0.0, result.OpsPerSecond);
        Assert.True(result.Errors > 0, "errors were not counted");
        Assert.Equal(["down"], result.SampleErrors);
    }
}
