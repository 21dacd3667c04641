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

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
