using System.Diagnostics;

namespace RaftOrleans.Bench.Failover;

/// <summary>Polls a cluster's health until it is healthy or a deadline passes.</summary>
public static class HealthWaiter
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(300);

    /// <summary>
    /// Returns once <paramref name="unhealthyReason"/> answers null; throws <see cref="TimeoutException"/>
    /// naming the last reason when <paramref name="deadline"/> passes first.
    /// </summary>
    public static async Task WaitAsync(Func<CancellationToken, Task<string?>> unhealthyReason, TimeSpan deadline, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        string? reason;
        while ((reason = await ProbeAsync(unhealthyReason, cancellationToken)) is not null)
        {
            if (clock.Elapsed > deadline) throw new TimeoutException($"not healthy after {deadline.TotalSeconds:0} s: {reason}");
            await Task.Delay(Poll, cancellationToken);
        }
    }

    /// <summary>A probe that throws (a member still starting refuses connections) is one more unhealthy answer.</summary>
    private static async Task<string?> ProbeAsync(Func<CancellationToken, Task<string?>> unhealthyReason, CancellationToken cancellationToken)
    {
        try
        {
            return await unhealthyReason(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return $"health probe failed: {e.GetType().Name}: {e.GetBaseException().Message}";
        }
    }
}
