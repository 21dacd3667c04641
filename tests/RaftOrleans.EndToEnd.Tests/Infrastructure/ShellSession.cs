using System.Diagnostics;
using System.Text.Json;

namespace RaftOrleans.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A long-lived <c>raftkv --json shell</c> process fed one command at a time through a pipe: the
/// client connects once, so each request costs a round trip, not a process start.
/// </summary>
public sealed class ShellSession : IDisposable
{
    private readonly Process _process;

    private ShellSession(Process process) => _process = process;

    /// <summary>Starts the shell with <paramref name="arguments"/> (connection options).</summary>
    public static ShellSession Start(IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(Executables.Client)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string argument in arguments.Concat(["--json", "shell"]))
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment.Remove("RAFTKV_DATA");
        var process = Process.Start(start) ?? throw new InvalidOperationException("raftkv shell did not start");
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        return new ShellSession(process);
    }

    /// <summary>Sends one command line and returns its one JSON result line.</summary>
    public async Task<JsonElement> SendAsync(string line, TimeSpan timeout)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
        using var cancel = new CancellationTokenSource(timeout);
        string? answer;
        try
        {
            answer = await _process.StandardOutput.ReadLineAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"raftkv shell gave no result for '{line}' within {timeout.TotalSeconds:0}s");
        }
        if (answer is null)
        {
            throw new InvalidOperationException($"raftkv shell exited (code {(_process.HasExited ? _process.ExitCode : -1)}) before answering '{line}'");
        }
        return JsonDocument.Parse(answer).RootElement.Clone();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _process.Dispose();
    }
}
