using Microsoft.Extensions.DependencyInjection;
using RaftOrleans.Grains.AdoNet;
using Xunit;

namespace RaftOrleans.Grains.Tests.AdoNet;

/// <summary>The SQLite write gate: one write at a time per provider, shared by its decorators.</summary>
public sealed class SqliteWriteGateTests
{
    [Fact]
    public async Task Writes_through_one_gate_never_overlap_and_a_failed_write_releases_it()
    {
        var gate = new SqliteWriteGate();
        var inFlight = 0;
        var maxInFlight = 0;
        var release = new TaskCompletionSource();
        var writes = Enumerable.Range(0, 8).Select(_ => gate.RunAsync(async () =>
        {
            var now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref maxInFlight, now);
            await release.Task;
            await Task.Yield();
            Interlocked.Decrement(ref inFlight);
        })).ToList();
        release.SetResult();
        await Task.WhenAll(writes).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(1, maxInFlight);

        await Assert.ThrowsAsync<InvalidOperationException>(() => gate.RunAsync(() => throw new InvalidOperationException("disk full")));
        var ran = false;
        await gate.RunAsync(() => { ran = true; return Task.CompletedTask; }).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(ran, "the write after a failed one did not run");
    }

    [Fact]
    public void A_decorator_shares_its_providers_gate_and_a_provider_without_one_has_none()
    {
        var services = new ServiceCollection();
        services.AddKeyedSingleton<SqliteWriteGate>("raft");
        SqliteWriteGate.ShareWith(services, "raft", "raft+faults");
        SqliteWriteGate.ShareWith(services, "postgres", "postgres+faults");
        using var provider = services.BuildServiceProvider();

        var gate = SqliteWriteGate.For(provider, "raft");
        Assert.NotNull(gate);
        Assert.Same(gate, SqliteWriteGate.For(provider, "raft+faults"));
        Assert.Null(SqliteWriteGate.For(provider, "postgres"));
        Assert.Null(SqliteWriteGate.For(provider, "postgres+faults"));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        for (var seen = Volatile.Read(ref target); value > seen; seen = Volatile.Read(ref target))
        {
            if (Interlocked.CompareExchange(ref target, value, seen) == seen) return;
        }
    }
}
