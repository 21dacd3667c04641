using System.Diagnostics;

namespace RaftOrleans.Bench.Load;

/// <summary>
/// The live progress line on standard error: operations completed so far and the rate, once a
/// second. On a terminal it rewrites one line; redirected, it prints a line every few seconds.
/// </summary>
public sealed class ProgressLine(string title, Func<(long Completed, long Errors, string Phase)> read)
{
    /// <summary>Prints until <paramref name="stop"/> is cancelled, then ends the line.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        var interactive = !Console.IsErrorRedirected;
        var clock = Stopwatch.StartNew();
        var lastCompleted = 0L;
        var lastTime = TimeSpan.Zero;
        var lastPrinted = TimeSpan.Zero;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                var (completed, errors, phase) = read();
                var now = clock.Elapsed;
                var rate = (completed - lastCompleted) / (now - lastTime).TotalSeconds;
                lastCompleted = completed;
                lastTime = now;
                var line = $"{title} {phase,-7} {now.TotalSeconds,5:0}s  {completed,9:N0} ops  {rate,9:N0} ops/s  errors {errors:N0}";
                if (interactive)
                {
                    Console.Error.Write("\r" + line.PadRight(100));
                }
                else if (now - lastPrinted >= TimeSpan.FromSeconds(5))
                {
                    Console.Error.WriteLine(line);
                    lastPrinted = now;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The run ended.
        }
        if (interactive) Console.Error.WriteLine();
    }
}
