using System.Diagnostics;

namespace RaftOrleans.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Runs the real <c>raftkv</c> with input that a .NET string cannot carry: raw stdin bytes, or
/// argument bytes that are not UTF-8 (passed through bash's <c>$'\xNN'</c> quoting, since
/// <see cref="ProcessStartInfo.ArgumentList"/> only takes strings).
/// </summary>
public static class RawClientCli
{
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromSeconds(90);

    /// <summary>Runs <c>raftkv</c> with <paramref name="arguments"/>, writing <paramref name="input"/> to stdin as is.</summary>
    public static Task<CliResult> RunWithStdinAsync(IEnumerable<string> arguments, byte[] input)
        => RunAsync(Executables.Client, arguments, input);

    /// <summary>
    /// Runs <c>raftkv</c> with <paramref name="arguments"/> followed by one more argument made of
    /// exactly <paramref name="rawLastArgument"/>.
    /// </summary>
    public static Task<CliResult> RunWithRawArgumentAsync(IEnumerable<string> arguments, byte[] rawLastArgument)
    {
        string quoted = "$'" + string.Concat(rawLastArgument.Select(b => $"\\x{b:x2}")) + "'";
        // exec: bash replaces itself with raftkv, so /proc/<pid>/cmdline holds the raw bytes.
        return RunAsync("/bin/bash", ["-c", $"exec \"$0\" \"$@\" {quoted}", Executables.Client, .. arguments], input: []);
    }

    private static async Task<CliResult> RunAsync(string executable, IEnumerable<string> arguments, byte[] input)
    {
        var start = new ProcessStartInfo(executable)
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
        var clock = Stopwatch.StartNew();
        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"{executable} did not start");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.BaseStream.WriteAsync(input);
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
