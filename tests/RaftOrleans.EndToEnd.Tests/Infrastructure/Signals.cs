using System.Runtime.InteropServices;

namespace RaftOrleans.EndToEnd.Tests.Infrastructure;

/// <summary>Sends POSIX signals (.NET's Process.Kill only sends SIGKILL).</summary>
public static class Signals
{
    private const int SigTerm = 15;

    /// <summary>Sends SIGTERM to <paramref name="processId"/>, as <c>kill -TERM</c> or a service manager does.</summary>
    public static void Terminate(int processId)
    {
        if (kill(processId, SigTerm) != 0)
        {
            throw new InvalidOperationException($"kill({processId}, SIGTERM) failed with errno {Marshal.GetLastPInvokeError()}");
        }
    }

    private const int SigStop = 19;
    private const int SigCont = 18;

    /// <summary>Stops <paramref name="processId"/> (SIGSTOP, as <c>kill -STOP</c>): a stalled process that misses its timers and messages.</summary>
    public static void Stop(int processId) => Send(processId, SigStop, "SIGSTOP");

    /// <summary>Resumes a process stopped with <see cref="Stop"/> (SIGCONT).</summary>
    public static void Continue(int processId) => Send(processId, SigCont, "SIGCONT");

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
