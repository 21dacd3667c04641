using System.Diagnostics;

namespace RaftOrleans.EndToEnd.Tests.Infrastructure;

/// <summary>Waits for a condition with a deadline; on timeout the failure says what was expected and what was seen.</summary>
public static class Eventually
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Re-checks <paramref name="condition"/> until it holds or <paramref name="timeout"/> passes, then
    /// fails with <paramref name="expectation"/> and the output of <paramref name="describe"/>
    /// (typically the cluster status).
    /// </summary>
    public static async Task<TimeSpan> UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string expectation, Func<Task<string>> describe)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (await condition())
            {
                return clock.Elapsed;
            }
            if (clock.Elapsed > timeout)
            {
                string seen = await describe();
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0}s waiting until {expectation}.\nSeen:\n{seen}");
            }
            // Poll interval between re-checks of the condition, not a synchronisation point.
            await Task.Delay(PollInterval);
        }
    }
}
