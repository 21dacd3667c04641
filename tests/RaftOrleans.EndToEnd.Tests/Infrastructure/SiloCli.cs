using System.Diagnostics;

namespace RaftOrleans.EndToEnd.Tests.Infrastructure;

/// <summary>Runs the real <c>raftkv-silo</c> executable once, for commands that exit on their own
/// (<c>migrate</c>, or <c>run</c> failing its start-up checks).</summary>
public static class SiloCli
{
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromSeconds(90);

    /// <summary>Runs <c>raftkv-silo</c> with <paramref name="arguments"/>; kills it at the timeout.</summary>
    public static async Task<CliResult> RunAsync(IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(Executables.Silo)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment.Remove("RAFTKV_DATA");
        start.Environment.Remove("RAFTKV_POSTGRES");
        var clock = Stopwatch.StartNew();
        using Process process = Process.Start(start) ?? throw new InvalidOperationException("raftkv-silo did not start");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(ProcessTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"raftkv-silo {string.Join(' ', start.ArgumentList)} did not exit within {ProcessTimeout.TotalSeconds:0}s");
        }
        return new CliResult(process.ExitCode, await stdout, await stderr, clock.Elapsed);
    }
}
