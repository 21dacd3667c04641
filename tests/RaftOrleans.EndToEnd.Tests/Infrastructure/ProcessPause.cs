using System.Runtime.InteropServices;

namespace RaftOrleans.EndToEnd.Tests.Infrastructure;

/// <summary>
/// SIGSTOP / SIGCONT: a process frozen as by a long GC pause or a VM freeze. Its kernel still
/// accepts TCP connections on its listening sockets; the process answers nothing until resumed.
/// </summary>
public static class ProcessPause
{
    private const int SigStop = 19;
    private const int SigCont = 18;

    /// <summary>Freezes <paramref name="processId"/> (SIGSTOP).</summary>
    public static void Stop(int processId) => Send(processId, SigStop, "SIGSTOP");

    /// <summary>Resumes <paramref name="processId"/> (SIGCONT); harmless if it is not stopped.</summary>
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
