using System.Collections.Concurrent;
using System.Diagnostics;
using RaftOrleans.EndToEnd.Tests.Infrastructure;
using Xunit;

namespace RaftOrleans.EndToEnd.Tests;

/// <summary><c>raftkv-silo local</c>: serves, stops every child on SIGTERM, and a second run keeps the data.</summary>
public sealed class LocalCommandTests : IDisposable
{
    private const string ServingMarker = "raftkv local cluster is serving";
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(60);
    private readonly string _data = Path.Combine(Path.GetTempPath(), $"raftkv-e2e-{Guid.NewGuid():N}");
    private readonly int _baseSiloPort = FreePorts.TakeConsecutive(3);
    private readonly int _baseGatewayPort = FreePorts.TakeConsecutive(3);
    private readonly List<Process> _started = [];

    [Fact]
    public async Task Local_serves_stops_its_silos_on_sigterm_and_keeps_the_data_for_the_next_run()
    {
        (Process first, ConcurrentQueue<string> firstOutput) = await StartLocalAsync();
        CliResult set = await ClientCli.RunAsync(["--data", _data, "--connect-timeout", ProcessCluster.ConnectTimeoutSeconds, "set", "survivor", "still here"]);
        Assert.True(set.ExitCode == 0, set.ToString());
        // The cluster serves once a majority is up: the third silo may still be starting.
        await Eventually.UntilAsync(() => Task.FromResult(Enumerable.Range(1, 3).All(i => File.Exists(PidFile(i)))),
            ProcessCluster.StartTimeout, "all three silos wrote their pid files", () => Task.FromResult(string.Join('\n', firstOutput)));
        int[] siloPids = [.. Enumerable.Range(1, 3).Select(i => int.Parse(File.ReadAllText(PidFile(i)).Trim()))];

        Signals.Terminate(first.Id);
        using (var stop = new CancellationTokenSource(StopTimeout))
        {
            await first.WaitForExitAsync(stop.Token);
        }

        Assert.True(first.ExitCode == 0, $"local exited {first.ExitCode}\n{string.Join('\n', firstOutput)}");
        foreach (int pid in siloPids)
        {
            Assert.False(IsRunning(pid), $"silo pid {pid} outlived the local cluster");
        }
        // A graceful stop removes each silo's pid file.
        Assert.All(Enumerable.Range(1, 3), i => Assert.False(File.Exists(PidFile(i)), $"silo{i} left its pid file"));

        await StartLocalAsync();
        CliResult get = await ClientCli.RunAsync(["--data", _data, "--connect-timeout", ProcessCluster.ConnectTimeoutSeconds, "get", "survivor"]);
        Assert.True(get.ExitCode == 0, get.ToString());
        Assert.Equal("still here", get.Output);
    }

    private async Task<(Process, ConcurrentQueue<string>)> StartLocalAsync()
    {
        var start = new ProcessStartInfo(Executables.Silo)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string argument in (string[])["local", "--data", _data, "--base-silo-port", $"{_baseSiloPort}", "--base-gateway-port", $"{_baseGatewayPort}"])
        {
            start.ArgumentList.Add(argument);
        }
        var output = new ConcurrentQueue<string>();
        var serving = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            output.Enqueue(e.Data);
            if (e.Data.Contains(ServingMarker)) serving.TrySetResult();
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        process.Start();
        _started.Add(process);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        Task exited = process.WaitForExitAsync();
        Task first = await Task.WhenAny(serving.Task, exited, Task.Delay(ProcessCluster.StartTimeout));
        Assert.True(first == serving.Task,
            $"local did not print '{ServingMarker}' ({(process.HasExited ? $"exited {process.ExitCode}" : "still running")}):\n{string.Join('\n', output)}");
        return (process, output);
    }

    private string PidFile(int index) => Path.Combine(_data, $"silo{index}", "silo.pid");

    private static bool IsRunning(int pid)
    {
        try
        {
            using Process process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        foreach (Process process in _started)
        {
            if (!process.HasExited)
            {
                // Killing local closes its silos' stdin, which stops them too.
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
            }
            process.Dispose();
        }
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
            // Left-over temp data is harmless.
        }
    }
}
