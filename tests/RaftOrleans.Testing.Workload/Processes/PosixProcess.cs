using System.Globalization;
using System.Runtime.InteropServices;

namespace RaftOrleans.Testing.Workload.Processes;

/// <summary>
/// Process-level faults on Linux: SIGSTOP / SIGCONT (.NET's Process API only kills) and the
/// process's scheduler state from <c>/proc/PID/stat</c>, to tell a paused process from a running
/// one and from one that has exited.
/// </summary>
public static class PosixProcess
{
    private const int SigKill = 9;
    private const int SigCont = 18;
    private const int SigStop = 19;

    /// <summary>SIGSTOP: the whole process freezes, as in a long GC pause or a VM freeze.</summary>
    public static void Pause(int processId) => Send(processId, SigStop, "SIGSTOP");

    /// <summary>SIGCONT: a paused process runs again.</summary>
    public static void Resume(int processId) => Send(processId, SigCont, "SIGCONT");

    /// <summary>SIGKILL: the process dies at once, with no graceful leave, like a crash.</summary>
    public static void Kill(int processId) => Send(processId, SigKill, "SIGKILL");

    /// <summary>
    /// The state letter of <c>/proc/PID/stat</c> (R running, S sleeping, D disk wait, T stopped,
    /// Z zombie, ...), or null when no such process exists.
    /// </summary>
    public static char? State(int processId)
    {
        string stat;
        try
        {
            stat = File.ReadAllText(string.Create(CultureInfo.InvariantCulture, $"/proc/{processId}/stat"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        // "PID (comm) S ...": comm may hold spaces and parentheses, so the state follows the last ')'.
        var close = stat.LastIndexOf(')');
        return close >= 0 && close + 2 < stat.Length ? stat[close + 2] : null;
    }

    /// <summary>True when the process exists and is neither stopped nor a zombie.</summary>
    public static bool IsRunning(int processId) => State(processId) is { } s && s is not ('T' or 't' or 'Z' or 'X');

    /// <summary>True when the process exists and is stopped by a signal.</summary>
    public static bool IsPaused(int processId) => State(processId) is 'T';

    private static void Send(int processId, int signal, string name)
    {
        if (kill(processId, signal) != 0)
        {
            throw new InvalidOperationException($"kill({processId}, {name}) failed with errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
