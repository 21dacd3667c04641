using System.Diagnostics;

namespace RaftOrleans.EndToEnd.Tests.Infrastructure;

/// <summary>Runs the real <c>raftkv</c> executable once, as a user or a script would.</summary>
public static class ClientCli
{
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromSeconds(90);

    /// <summary>Runs <c>raftkv</c> with <paramref name="arguments"/>, feeding <paramref name="input"/> (if any) on stdin.</summary>
    public static async Task<CliResult> RunAsync(IEnumerable<string> arguments, string? input = null)
    {
        var start = new ProcessStartInfo(Executables.Client)
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
        // The data directory always comes from the arguments, never from the developer's environment.
        start.Environment.Remove("RAFTKV_DATA");
        var clock = Stopwatch.StartNew();
        using Process process = Process.Start(start) ?? throw new InvalidOperationException("raftkv did not start");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
        }
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(ProcessTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"raftkv {string.Join(' ', start.ArgumentList)} did not exit within {ProcessTimeout.TotalSeconds:0}s");
        }
        return new CliResult(process.ExitCode, await stdout, await stderr, clock.Elapsed);
    }
}
