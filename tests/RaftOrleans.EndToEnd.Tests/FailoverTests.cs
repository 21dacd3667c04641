using System.Text.Json;
using RaftOrleans.EndToEnd.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace RaftOrleans.EndToEnd.Tests;

/// <summary>Crash of the leader's silo process (SIGKILL): no acknowledged write is lost, writes resume, the silo rejoins and catches up.</summary>
public sealed class FailoverTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();

    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RecoveryTimeout = TimeSpan.FromSeconds(60);
    private ProcessCluster? _cluster;

    public async Task InitializeAsync()
    {
        _cluster = await ProcessCluster.StartAsync();
        Log("cluster serving");
    }

    public Task DisposeAsync()
    {
        _cluster?.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Killing_the_leader_silo_loses_no_acknowledged_write_and_the_restarted_silo_catches_up()
    {
        ProcessCluster cluster = _cluster!;
        using ShellSession shell = ShellSession.Start(cluster.ClientArguments());
        var writes = new AcknowledgedWrites(shell, Log, CommandTimeout);
        for (int i = 0; i < 20; i++)
        {
            await cluster.AssertAsync(await writes.TryWriteAsync($"before-{i}"), $"write before-{i} failed on a healthy cluster");
        }

        ReplicaView leader = await LeaderAsync(cluster);
        SiloProcess victim = cluster.Silos.Single(s => s.Name == leader.Silo);
        Log($"20 writes acknowledged; killing leader {victim.Name} (pid {victim.ProcessId})");
        victim.Kill();

        // Writes resume: some attempts right after the crash may be unavailable (not acknowledged).
        int attempt = 0;
        TimeSpan recovery = await Eventually.UntilAsync(async () => await writes.TryWriteAsync($"after-{attempt++}"),
            RecoveryTimeout, $"a write succeeds after {victim.Name} (the leader) was killed", cluster.DescribeAsync);
        Log($"first write acknowledged {recovery.TotalMilliseconds:0} ms after the kill ({attempt} attempts)");
        for (int i = 0; i < 10; i++)
        {
            await cluster.AssertAsync(await writes.TryWriteAsync($"settled-{i}"), $"write settled-{i} failed after failover");
        }

        ReplicaView newLeader = await LeaderAsync(cluster);
        Assert.NotEqual(leader.Replica, newLeader.Replica);
        await writes.AssertAllReadableAsync(cluster);
        Log($"new leader replica {newLeader.Replica}; all {writes.Count} acknowledged writes read back; restarting {victim.Name}");

        victim.Start();
        long committed = (await LeaderAsync(cluster)).Commit;
        await Eventually.UntilAsync(async () =>
            {
                IReadOnlyList<ReplicaView>? status = await cluster.TryStatusAsync();
                ReplicaView? restarted = status?.SingleOrDefault(r => r.Replica == leader.Replica);
                return restarted is { Error: null, Role: "Follower" } && restarted.Applied >= committed;
            },
            RecoveryTimeout, $"restarted {victim.Name} is a follower that applied index {committed}", cluster.DescribeAsync);
        Log($"{victim.Name} rejoined and applied index {committed}");
        await writes.AssertAllReadableAsync(cluster);
        Log("all acknowledged writes read back again");
    }

    private void Log(string message) => output.WriteLine($"[{_clock.Elapsed.TotalSeconds,6:0.0}s] {message}");

    private static async Task<ReplicaView> LeaderAsync(ProcessCluster cluster)
    {
        ReplicaView? leader = null;
        await Eventually.UntilAsync(async () =>
            {
                ReplicaView[] leaders = [.. (await cluster.TryStatusAsync() ?? []).Where(r => r.Role == "Leader")];
                leader = leaders.Length == 1 ? leaders[0] : null;
                return leader is not null;
            },
            RecoveryTimeout, "status shows exactly one leader", cluster.DescribeAsync);
        return leader!;
    }
}
