using System.Diagnostics;

namespace RaftOrleans.Silo.Local;

/// <summary>
/// One silo of <c>local</c> and its supervisor: when the child process dies unexpectedly (killed,
/// crashed, or stopped by Orleans after being declared dead) it is restarted after the
/// <see cref="RestartPolicy"/> backoff, and each restart is logged with the silo, how it exited and
/// the attempt. A crash loop, or an exit that a restart cannot fix (bad configuration, unusable data
/// directory), gives the silo up; the other silos keep running.
/// </summary>
public sealed class SupervisedSilo : IDisposable
{
    private readonly Func<ChildSilo> _start;
    private readonly Action<string> _say;
    private readonly RestartPolicy _policy;
    private readonly CancellationTokenSource _stopping = new();
    private readonly object _lock = new();
    private Stopwatch _uptime = Stopwatch.StartNew();
    private ChildSilo _current;

    private SupervisedSilo(string name, Func<ChildSilo> start, Action<string> say, RestartPolicy policy)
    {
        Name = name;
        _start = start;
        _say = say;
        _policy = policy;
        _current = start();
        Completion = SuperviseAsync();
    }

    /// <summary>The silo name.</summary>
    public string Name { get; }

    /// <summary>The current child's process id.</summary>
    public int ProcessId { get { lock (_lock) return _current.ProcessId; } }

    /// <summary>True once the silo was given up (crash loop or an exit a restart cannot fix).</summary>
    public bool GivenUp { get; private set; }

    /// <summary>Completes when the silo is given up, or when its child exited after <see cref="RequestStop"/>.</summary>
    public Task Completion { get; }

    /// <summary>Starts the silo with <paramref name="start"/> and supervises it until <see cref="RequestStop"/>.</summary>
    public static SupervisedSilo Start(string name, Func<ChildSilo> start, Action<string> say, RestartPolicy policy)
        => new(name, start, say, policy);

    /// <summary>Stops supervising and asks the running child to stop gracefully; a pending restart is cancelled.</summary>
    public void RequestStop()
    {
        lock (_lock)
        {
            _stopping.Cancel();
            _current.RequestStop();
        }
    }

    /// <summary>Kills the running child at once (used only after the graceful stop deadline).</summary>
    public void Kill()
    {
        lock (_lock) _current.Kill();
    }

    /// <summary>True while a child process of this silo is running.</summary>
    public bool IsRunning { get { lock (_lock) return !_current.HasExited; } }

    private async Task SuperviseAsync()
    {
        while (true)
        {
            ChildSilo child;
            lock (_lock) child = _current;
            await child.Exited.ConfigureAwait(false);
            if (_stopping.IsCancellationRequested) return;

            string how = DescribeExit(child.ExitCode);
            if (child.ExitCode is SiloExitCodes.BadConfiguration or SiloExitCodes.DataDirectoryUnusable)
            {
                GiveUp($"[local] {Name} exited ({how}): a restart cannot fix that; not restarting it. See its output above.");
                return;
            }
            TimeSpan? delay = _policy.OnExit(_uptime.Elapsed);
            if (delay is null)
            {
                GiveUp($"[local] {Name} is crash-looping: it exited {_policy.FailedRunsInARow} times in a row within "
                    + $"{_policy.CrashLoopWindow.TotalSeconds:0}s of starting (last: {how}); giving up on it, the other silos keep running. "
                    + "See its output above, fix the cause and run local again.");
                return;
            }
            _say($"[local] {Name} (pid {child.ProcessId}) exited unexpectedly ({how}); restart attempt {_policy.Attempts} in {delay.Value.TotalSeconds:0.0}s");
            try
            {
                await Task.Delay(delay.Value, _stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            lock (_lock)
            {
                // RequestStop may have run during the delay; it cancelled the token under this lock.
                if (_stopping.IsCancellationRequested) return;
                child.Dispose();
                _current = _start();
                _uptime = Stopwatch.StartNew();
                _say($"[local] restarted {Name} (pid {_current.ProcessId}, attempt {_policy.Attempts})");
            }
        }
    }

    private void GiveUp(string message)
    {
        GivenUp = true;
        _say(message);
    }

    /// <summary>"exit code 4", or for a process ended by a signal (.NET reports 128 + the signal) "killed by SIGKILL (exit code 137)".</summary>
    public static string DescribeExit(int exitCode)
    {
        if (exitCode is > 128 and < 128 + 65 && !OperatingSystem.IsWindows())
        {
            int signal = exitCode - 128;
            string name = signal switch
            {
                1 => "SIGHUP",
                2 => "SIGINT",
                6 => "SIGABRT",
                9 => "SIGKILL",
                11 => "SIGSEGV",
                15 => "SIGTERM",
                _ => $"signal {signal}",
            };
            return $"killed by {name} (exit code {exitCode})";
        }
        return $"exit code {exitCode}";
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_lock) _current.Dispose();
        _stopping.Dispose();
    }
}
