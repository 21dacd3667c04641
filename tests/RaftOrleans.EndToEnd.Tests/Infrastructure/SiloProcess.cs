using System.Collections.Concurrent;
using System.Diagnostics;

namespace RaftOrleans.EndToEnd.Tests.Infrastructure;

/// <summary>
/// One real <c>raftkv-silo run</c> process. Its output is kept for failure messages; it can be
/// killed with SIGKILL (as a crash) and started again with the same name, ports and data.
/// </summary>
public sealed class SiloProcess : IDisposable
{
    private const int OutputLinesKept = 200;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly IReadOnlyList<string> _extraArguments;
    private Process? _process;

    /// <summary>Creates (does not start) silo <paramref name="index"/>; <paramref name="extraArguments"/>
    /// (e.g. <c>--Storage:Provider=postgres</c>) follow the <c>run</c> options.</summary>
    public SiloProcess(int index, int siloPort, int gatewayPort, string dataDirectory, IReadOnlyList<string>? extraArguments = null)
    {
        _extraArguments = extraArguments ?? [];
        Index = index;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
        DataDirectory = dataDirectory;
    }

    /// <summary>1-based index; the silo is named <c>silo{Index}</c> and hosts replica Index.</summary>
    public int Index { get; }
    /// <summary>Silo name.</summary>
    public string Name => $"silo{Index}";
    /// <summary>Silo-to-silo port.</summary>
    public int SiloPort { get; }
    /// <summary>Gateway port.</summary>
    public int GatewayPort { get; }
    /// <summary>Shared data directory.</summary>
    public string DataDirectory { get; }
    /// <summary>True while the process runs.</summary>
    public bool IsRunning => _process is { HasExited: false };
    /// <summary>The process id (while running).</summary>
    public int ProcessId => _process?.Id ?? 0;

    /// <summary>Starts the process.</summary>
    public void Start()
    {
        if (IsRunning)
        {
            throw new InvalidOperationException($"{Name} is already running");
        }
        _process?.Dispose();
        var start = new ProcessStartInfo(Executables.Silo)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // --exit-with-parent: the silo stops when its stdin pipe closes, so even a test host killed
        // mid-run leaves no orphan silo behind.
        foreach (string argument in (string[])["run", "--name", Name, "--silo-port", $"{SiloPort}", "--gateway-port", $"{GatewayPort}", "--data", DataDirectory, "--exit-with-parent", .. _extraArguments])
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment.Remove("RAFTKV_DATA");
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
    }

    /// <summary>SIGKILL: the process dies at once, with no graceful leave, like a crash.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
    }

    /// <summary>The last lines the process printed.</summary>
    public string RecentOutput() => string.Join('\n', _output);

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }
        _output.Enqueue(line);
        while (_output.Count > OutputLinesKept && _output.TryDequeue(out _))
        {
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Kill();
        _process?.Dispose();
    }
}
