using System.Collections.Concurrent;
using System.Diagnostics;

namespace RaftOrleans.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A real <c>raftkv-silo local</c> process on free ports with a fresh data directory, its output
/// collected. Dispose kills it (its silos follow: their stdin closes) and deletes the directory.
/// </summary>
public sealed class LocalProcess : IDisposable
{
    private const string ServingMarker = "raftkv local cluster is serving";
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private LocalProcess(string data, int baseSiloPort, int baseGatewayPort, IReadOnlyList<string> extraArguments)
    {
        DataDirectory = data;
        BaseSiloPort = baseSiloPort;
        BaseGatewayPort = baseGatewayPort;
        var start = new ProcessStartInfo(Executables.Silo)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string argument in (string[])["local", "--data", data, "--base-silo-port", $"{baseSiloPort}", "--base-gateway-port", $"{baseGatewayPort}", .. extraArguments])
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment.Remove("RAFTKV_DATA");
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue(e.Data); };
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        Exited = _process.WaitForExitAsync();
    }

    /// <summary>The data directory.</summary>
    public string DataDirectory { get; }

    /// <summary>Silo i listens on <c>BaseSiloPort + i - 1</c>.</summary>
    public int BaseSiloPort { get; }

    /// <summary>Silo i's gateway listens on <c>BaseGatewayPort + i - 1</c>.</summary>
    public int BaseGatewayPort { get; }

    /// <summary>The process id of <c>local</c>.</summary>
    public int ProcessId => _process.Id;

    /// <summary>Completes when <c>local</c> exits.</summary>
    public Task Exited { get; }

    /// <summary>True once <c>local</c> exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The exit code of <c>local</c> (after <see cref="Exited"/>).</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>Every line <c>local</c> printed so far (its own and its silos').</summary>
    public IReadOnlyList<string> Lines => [.. _output];

    /// <summary>The lines printed by <c>local</c> itself (not forwarded from a silo).</summary>
    public IReadOnlyList<string> OwnLines => [.. _output.Where(l => l.StartsWith("[local]", StringComparison.Ordinal))];

    /// <summary>Starts <c>local</c> with three silos (and <paramref name="extraArguments"/>) and waits until it prints that it serves.</summary>
    public static async Task<LocalProcess> StartAsync(params string[] extraArguments)
    {
        string data = Path.Combine(Path.GetTempPath(), $"raftkv-e2e-{Guid.NewGuid():N}");
        var local = new LocalProcess(data, FreePorts.TakeConsecutive(3), FreePorts.TakeConsecutive(3), extraArguments);
        try
        {
            await local.WaitForLineAsync(l => l.Contains(ServingMarker, StringComparison.Ordinal), ProcessCluster.StartTimeout, $"local prints '{ServingMarker}'");
            await Eventually.UntilAsync(() => Task.FromResult(Enumerable.Range(1, 3).All(i => local.SiloPid(i) is not null)),
                ProcessCluster.StartTimeout, "all three silos wrote their pid files", () => Task.FromResult(local.Describe()));
        }
        catch
        {
            local.Dispose();
            throw;
        }
        return local;
    }

    /// <summary>The pid in silo <paramref name="index"/>'s pid file, or null while there is none.</summary>
    public int? SiloPid(int index)
    {
        try
        {
            return int.TryParse(File.ReadAllText(Path.Combine(DataDirectory, $"silo{index}", "silo.pid")).Trim(), out int pid) ? pid : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Waits until <c>local</c> printed a line matching <paramref name="match"/>; returns it.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout, string expectation)
    {
        string? found = null;
        await Eventually.UntilAsync(() =>
        {
            found = _output.FirstOrDefault(match);
            if (found is null && _process.HasExited) throw new InvalidOperationException($"local exited {_process.ExitCode} before: {expectation}\n{Describe()}");
            return Task.FromResult(found is not null);
        }, timeout, expectation, () => Task.FromResult(Describe()));
        return found!;
    }

    /// <summary>The client's connection arguments (the data directory) followed by <paramref name="arguments"/>.</summary>
    public string[] ClientArguments(params string[] arguments)
        => ["--data", DataDirectory, "--connect-timeout", ProcessCluster.ConnectTimeoutSeconds, .. arguments];

    /// <summary>The state of <c>local</c> and the last 60 lines it printed, for failure messages.</summary>
    public string Describe()
        => $"local {(_process.HasExited ? $"exited {_process.ExitCode}" : $"running, pid {_process.Id}")}; last output:\n"
            + string.Join('\n', _output.TakeLast(60));

    /// <inheritdoc />
    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _process.Dispose();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Left-over temp data is harmless.
        }
    }
}
