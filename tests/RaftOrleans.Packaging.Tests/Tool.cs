using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text;

namespace RaftOrleans.Packaging.Tests;

/// <summary>What a finished process printed and returned.</summary>
public sealed record ProcessResult(string Command, int ExitCode, string Stdout, string Stderr)
{
    /// <summary>Everything, for an assertion message.</summary>
    public override string ToString() => $"`{Command}` exited {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}

/// <summary>Runs the dotnet CLI and the programs it builds, with a clean environment and a deadline.</summary>
public static class Tool
{
    /// <summary>The repository this test assembly was built from.</summary>
    public static string RepositoryRoot => Metadata("RepositoryRoot");

    /// <summary>The configuration this test assembly was built in.</summary>
    public static string BuildConfiguration => Metadata("BuildConfiguration");

    /// <summary>
    /// The environment every child gets: no MSBuild variables of the test host's own build, no telemetry,
    /// <c>DOTNET_ROOT</c> set so an installed tool's apphost finds the same runtime, and <paramref name="extra"/>.
    /// </summary>
    public static void Prepare(ProcessStartInfo start, IReadOnlyDictionary<string, string>? extra)
    {
        foreach (var name in start.Environment.Keys.ToList())
        {
            if (name.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || name == "MSBuildExtensionsPath"
                || name.Equals("MSBuildSDKsPath", StringComparison.OrdinalIgnoreCase))
            {
                start.Environment.Remove(name);
            }
        }
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        if (DotnetRoot() is { } root) start.Environment["DOTNET_ROOT"] = root;
        foreach (var (key, value) in extra ?? new Dictionary<string, string>()) start.Environment[key] = value;
    }

    /// <summary>Runs <paramref name="file"/> to its end; kills it and fails after <paramref name="timeout"/>.</summary>
    public static async Task<ProcessResult> RunAsync(
        string file, IEnumerable<string> arguments, string workingDirectory, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        Prepare(start, environment);
        var command = $"{file} {string.Join(' ', start.ArgumentList)}";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {command}");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException($"`{command}` did not finish within {timeout.TotalSeconds:0} s\n--- stdout\n{await stdout}\n--- stderr\n{await stderr}");
        }
        return new ProcessResult(command, process.ExitCode, await stdout, await stderr);
    }

    /// <summary>A TCP port nobody listens on right now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The folder of the <c>dotnet</c> host running this test, if it is one.</summary>
    private static string? DotnetRoot()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_ROOT") is { Length: > 0 } set) return set;
        var host = Environment.ProcessPath;
        return host is not null && Path.GetFileNameWithoutExtension(host) == "dotnet" ? Path.GetDirectoryName(host) : null;
    }

    private static string Metadata(string key)
        => typeof(Tool).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
            ?? throw new InvalidOperationException($"assembly metadata {key} is empty");
}

/// <summary>A long-running child (the sample's silo) whose output is collected as it comes.</summary>
public sealed class BackgroundProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    /// <summary>Starts <paramref name="file"/>.</summary>
    public BackgroundProcess(string file, IEnumerable<string> arguments, string workingDirectory)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        Tool.Prepare(start, null);
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_stdout) _stdout.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_stderr) _stderr.AppendLine(e.Data); };
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>What it printed so far.</summary>
    public string Output
    {
        get
        {
            lock (_stdout) lock (_stderr) return $"--- stdout\n{_stdout}\n--- stderr\n{_stderr}";
        }
    }

    /// <summary>Waits until a stdout line contains <paramref name="marker"/>; fails if the process exits first or time runs out.</summary>
    public async Task WaitForLineAsync(string marker, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            lock (_stdout)
            {
                if (_stdout.ToString().Contains(marker, StringComparison.Ordinal)) return;
            }
            if (_process.HasExited) throw new InvalidOperationException($"exited with {_process.ExitCode} before printing '{marker}'\n{Output}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"no line '{marker}' within {timeout.TotalSeconds:0} s\n{Output}");
            await Task.Delay(100);
        }
    }

    /// <summary>Kills it (and its children).</summary>
    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        finally
        {
            _process.Dispose();
        }
    }
}
