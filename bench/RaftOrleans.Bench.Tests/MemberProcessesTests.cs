using RaftOrleans.Bench.Failover;
using Xunit;

namespace RaftOrleans.Bench.Tests;

public sealed class MemberProcessesTests
{
    [Fact]
    public void A_missing_pid_file_names_no_process()
    {
        var processes = new MemberProcesses("/nonexistent/{name}.pid", "true");
        var (pid, problem) = processes.Find("silo1");
        Assert.Null(pid);
        Assert.Equal("no pid file /nonexistent/silo1.pid", problem);
    }

    [Fact]
    public void A_pid_file_of_a_process_that_is_not_the_member_is_refused()
    {
        // The test host's own pid: a live process whose command line has no "--name silo1".
        var directory = Directory.CreateTempSubdirectory("raftkv-bench-pids-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(directory, "silo1.pid"), Environment.ProcessId + "\n");
            var (pid, problem) = new MemberProcesses(Path.Combine(directory, "{name}.pid"), "true").Find("silo1");
            Assert.Null(pid);
            Assert.StartsWith($"process {Environment.ProcessId} from ", problem, StringComparison.Ordinal);
            Assert.Contains("is not member silo1", problem, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
