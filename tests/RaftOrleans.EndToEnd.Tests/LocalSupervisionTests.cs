using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using RaftOrleans.EndToEnd.Tests.Infrastructure;
using Xunit;

namespace RaftOrleans.EndToEnd.Tests;

/// <summary>
/// <c>raftkv-silo local</c> supervises its silos: a killed child comes back by itself and its replica
/// catches up; a child that keeps failing to start is given up with a clear message while the
/// others keep serving.
/// </summary>
public sealed class LocalSupervisionTests
{
    private static readonly TimeSpan RecoveryTimeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task A_killed_silo_is_restarted_and_its_replica_catches_up_with_no_operator_action()
    {
        using LocalProcess local = await LocalProcess.StartAsync();
        CliResult first = await ClientCli.RunAsync(local.ClientArguments("set", "before", "0"));
        Assert.True(first.ExitCode == 0, first.ToString());

        int victim = 2;
        int oldPid = local.SiloPid(victim)!.Value;
        using (Process process = Process.GetProcessById(oldPid))
        {
            process.Kill(); // SIGKILL
        }

        // The majority keeps serving while silo2 is down or restarting.
        CliResult during = await ClientCli.RunAsync(local.ClientArguments("set", "during", "1"));
        Assert.True(during.ExitCode == 0, $"{during}\n{local.Describe()}");

        string exited = await local.WaitForLineAsync(l => l.StartsWith($"[local] silo{victim} (pid {oldPid}) exited unexpectedly", StringComparison.Ordinal),
            RecoveryTimeout, $"local reports that silo{victim} died");
        Assert.Equal($"[local] silo{victim} (pid {oldPid}) exited unexpectedly (killed by SIGKILL (exit code 137)); restart attempt 1 in 0.5s", exited);
        string restarted = await local.WaitForLineAsync(l => l.StartsWith($"[local] restarted silo{victim} ", StringComparison.Ordinal),
            RecoveryTimeout, $"local restarts silo{victim}");
        Match pid = Regex.Match(restarted, @"^\[local\] restarted silo2 \(pid (\d+), attempt 1\)$");
        Assert.True(pid.Success, restarted);
        int newPid = int.Parse(pid.Groups[1].Value);
        Assert.NotEqual(oldPid, newPid);

        // The restarted replica rejoins and applies everything the leader has committed.
        IReadOnlyList<ReplicaView>? last = null;
        await Eventually.UntilAsync(async () =>
        {
            CliResult status = await ClientCli.RunAsync(local.ClientArguments("--json", "status"));
            if (status.ExitCode != 0) return false;
            last = ReplicaView.ParseAll(status.Json);
            ReplicaView? leader = last.SingleOrDefault(r => r.Role == "Leader");
            ReplicaView back = last.Single(r => r.Replica == victim);
            return leader is not null && back.Error is null && back.Applied == leader.Commit && back.LastIndex == leader.LastIndex
                && (back.Role == "Follower" ? back.Leader == leader.Replica : back.Replica == leader.Replica);
        }, RecoveryTimeout, $"replica {victim} rejoins and catches up",
            () => Task.FromResult($"{string.Join('\n', last ?? [])}\n{local.Describe()}"));
        Assert.Equal(newPid, local.SiloPid(victim));
        Assert.False(local.HasExited);

        CliResult read = await ClientCli.RunAsync(local.ClientArguments("get", "during"));
        Assert.True(read.ExitCode == 0 && read.Output == "1", read.ToString());
        // One death, one restart: nothing else was restarted or given up.
        Assert.Single(local.OwnLines, l => l.Contains("exited unexpectedly", StringComparison.Ordinal));
        Assert.DoesNotContain(local.OwnLines, l => l.Contains("giving up", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_silo_that_keeps_failing_to_start_is_given_up_while_the_others_keep_serving()
    {
        // A window far longer than the test, so the killed first run counts as a failed run however
        // long the loaded machine took to start it: kill + 5 failed restarts = 6 failed runs.
        using LocalProcess local = await LocalProcess.StartAsync("--restart-window", "600");
        int victim = 3;
        int siloPort = local.BaseSiloPort + victim - 1;
        int oldPid = local.SiloPid(victim)!.Value;
        using (Process process = Process.GetProcessById(oldPid))
        {
            process.Kill();
            process.WaitForExit();
        }
        // Take the silo's port before its first restart (0.5 s later): every restart then fails its
        // start-up check with exit code 4, the way a silo that cannot start fails again and again.
        using TcpListener squatter = await ListenWithinAsync(siloPort, TimeSpan.FromMilliseconds(400));

        string givenUp = await local.WaitForLineAsync(l => l.StartsWith($"[local] silo{victim} is crash-looping", StringComparison.Ordinal),
            RecoveryTimeout, $"local gives silo{victim} up");
        Assert.Equal($"[local] silo{victim} is crash-looping: it exited 6 times in a row within 600s of starting (last: exit code 4); "
            + "giving up on it, the other silos keep running. See its output above, fix the cause and run local again.", givenUp);
        // Five restarts, with backoff, each logged with its attempt number.
        string[] restarts = [.. local.OwnLines.Where(l => l.StartsWith($"[local] restarted silo{victim} ", StringComparison.Ordinal))];
        Assert.Equal(5, restarts.Length);
        for (int attempt = 1; attempt <= 5; attempt++)
        {
            Assert.Matches($@"^\[local\] restarted silo{victim} \(pid \d+, attempt {attempt}\)$", restarts[attempt - 1]);
        }
        string[] delays = [.. local.OwnLines.Where(l => l.StartsWith($"[local] silo{victim} (pid ", StringComparison.Ordinal))
            .Select(l => Regex.Match(l, @"restart attempt \d+ in ([0-9.]+)s$").Groups[1].Value)];
        Assert.Equal(["0.5", "1.0", "2.0", "4.0", "8.0"], delays);
        await local.WaitForLineAsync(l => l == $"[local] silo{victim} stays down; 2 of 3 silos are still supervised (a majority: the cluster keeps serving).",
            TimeSpan.FromSeconds(10), "local says the others keep serving");

        // local keeps running and the other two silos keep serving.
        Assert.False(local.HasExited, local.Describe());
        CliResult write = await ClientCli.RunAsync(local.ClientArguments("set", "after", "1"));
        Assert.True(write.ExitCode == 0, $"{write}\n{local.Describe()}");
        Assert.False(local.HasExited, local.Describe());

        Signals.Terminate(local.ProcessId);
        await local.Exited.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(local.ExitCode == 0, local.Describe());
    }

    /// <summary>Binds 127.0.0.1:<paramref name="port"/>, retrying briefly while the killed silo's socket is released.</summary>
    private static async Task<TcpListener> ListenWithinAsync(int port, TimeSpan within)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var listener = new TcpListener(IPAddress.Loopback, port);
            try
            {
                listener.Start();
                return listener;
            }
            catch (SocketException) when (clock.Elapsed < within)
            {
                listener.Dispose();
                // Retry interval of a bind, not a synchronisation point.
                await Task.Delay(10);
            }
        }
    }
}
