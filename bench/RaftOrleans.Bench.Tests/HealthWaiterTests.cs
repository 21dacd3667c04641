using RaftOrleans.Bench.Failover;
using Xunit;

namespace RaftOrleans.Bench.Tests;

/// <summary>The health wait behind <c>raftkv-bench wait</c> and each failover trial.</summary>
public sealed class HealthWaiterTests
{
    [Fact]
    public async Task A_probe_that_throws_while_members_start_is_retried()
    {
        var calls = 0;
        await HealthWaiter.WaitAsync(_ =>
        {
            calls++;
            if (calls < 3) throw new InvalidOperationException("connection refused");
            return Task.FromResult<string?>(null);
        }, TimeSpan.FromSeconds(30), CancellationToken.None);

        Assert.Equal(3, calls);
    }

    [Fact]
    public async Task The_deadline_names_the_last_reason()
    {
        var e = await Assert.ThrowsAsync<TimeoutException>(() => HealthWaiter.WaitAsync(
            _ => throw new InvalidOperationException("connection refused"), TimeSpan.FromMilliseconds(1), CancellationToken.None));

        Assert.Contains("connection refused", e.Message);
    }

    [Fact]
    public async Task Cancellation_stops_the_wait()
    {
        using var cancel = new CancellationTokenSource();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => HealthWaiter.WaitAsync(
            token => { token.ThrowIfCancellationRequested(); return Task.FromResult<string?>("starting"); }, TimeSpan.FromSeconds(30), cancel.Token));
    }
}
