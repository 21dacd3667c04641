using System.Diagnostics;

namespace RaftOrleans.Silo.Local;

/// <summary>
/// One <c>raftkv-silo run</c> child process of <c>local</c>. Its output is forwarded line by line
/// with a <c>[name]</c> prefix; its standard input is a pipe the parent only ever closes, which
/// tells the child to stop gracefully (see <c>--exit-with-parent</c>).
/// </summary>
public sealed class ChildSilo : IDisposable
{
    private readonly Process _process;

    private ChildSilo(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    /// <summary>The silo name.</summary>
    public string Name { get; }

    /// <summary>The child's process id.</summary>
    public int ProcessId => _process.Id;

    /// <summary>True once the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The exit code (only after <see cref="HasExited"/>).</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>Completes when the process exits.</summary>
    public Task Exited { get; private set; } = Task.CompletedTask;

    /// <summary>Starts <paramref name="command"/> with <paramref name="arguments"/>; output lines go to <paramref name="log"/>.</summary>
    public static ChildSilo Start(string name, IReadOnlyList<string> command, IEnumerable<string> arguments, Action<string> log)
    {
        var start = new ProcessStartInfo(command[0])
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string argument in command.Skip(1).Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) log($"[{name}] {e.Data}"); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) log($"[{name}] {e.Data}"); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ChildSilo(name, process) { Exited = process.WaitForExitAsync() };
    }

    /// <summary>Asks the child to stop gracefully by closing its standard input.</summary>
    public void RequestStop()
    {
        try
        {
            _process.StandardInput.Close();
        }
        catch (IOException)
        {
            // Already gone.
        }
    }

    /// <summary>Kills the child at once (used only after the graceful stop deadline).</summary>
    public void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }

    /// <inheritdoc />
    public void Dispose() => _process.Dispose();
}
