using System.Diagnostics;
using System.Globalization;

namespace RaftOrleans.Bench.Failover;

/// <summary>
/// Kills and restarts cluster members by name. A member's process id is read from a pid file
/// (<c>{name}</c> in <see cref="PidFileTemplate"/>), and is killed only if that process's command line
/// carries <c>--name {name}</c>: a stale pid file can never make the benchmark kill another process.
/// A member is restarted by running <see cref="RestartCommandTemplate"/> through bash; the command
/// must start the member in the background, write its pid file, and return.
/// </summary>
public sealed class MemberProcesses(string pidFileTemplate, string restartCommandTemplate)
{
    private static readonly TimeSpan RestartCommandTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Pid file path template with <c>{name}</c>.</summary>
    public string PidFileTemplate { get; } = pidFileTemplate;

    /// <summary>Shell command template with <c>{name}</c>.</summary>
    public string RestartCommandTemplate { get; } = restartCommandTemplate;

    /// <summary>The live process of <paramref name="name"/>, or null with the reason.</summary>
    public (int? Pid, string? Problem) Find(string name)
    {
        var path = PidFileTemplate.Replace("{name}", name, StringComparison.Ordinal);
        if (!File.Exists(path)) return (null, $"no pid file {path}");
        if (!int.TryParse(File.ReadAllText(path).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) return (null, $"{path} holds no pid");
        var cmdline = $"/proc/{pid}/cmdline";
        string[] args;
        try
        {
            args = File.ReadAllText(cmdline).Split('\0');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, $"process {pid} from {path} is not running");
        }
        var named = Enumerable.Range(0, args.Length - 1).Any(i => args[i] == "--name" && args[i + 1] == name)
            || args.Contains($"--name={name}");
        return named ? (pid, null) : (null, $"process {pid} from {path} is not member {name} ({string.Join(' ', args).Trim()})");
    }

    /// <summary>Sends SIGKILL to <paramref name="pid"/>.</summary>
    public static void Kill(int pid)
    {
        using var process = Process.GetProcessById(pid);
        process.Kill(); // SIGKILL on Unix: no graceful shutdown, like a crash.
    }

    /// <summary>Runs the restart command for <paramref name="name"/> and waits for it (not the member) to exit.</summary>
    public async Task RestartAsync(string name, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("/bin/bash") { UseShellExecute = false, RedirectStandardInput = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(RestartCommandTemplate.Replace("{name}", name, StringComparison.Ordinal));
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start bash");
        process.StandardInput.Close();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RestartCommandTimeout);
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0) throw new InvalidOperationException($"restart command for {name} exited with {process.ExitCode}");
    }
}
