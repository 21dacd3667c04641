using System.Diagnostics;
using System.Text.Json;
using RaftOrleans.EndToEnd.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace RaftOrleans.EndToEnd.Tests;

/// <summary>
/// Self-healing placement on five real silo processes (three voters, silo4 and silo5 as spares; issue #13): a
/// follower's silo is killed for good, and once Orleans has declared it dead and the grace period has passed, the
/// leader alone replaces it with replica 4 on the spare silo4. Writes go on throughout; every acknowledged one reads
/// back at the end, and <c>raftkv member list</c> shows three voters again, without the dead one.
/// </summary>
public sealed class SelfHealingTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Death declaration (about 20 s with the silo's defaults) + the 5 s grace + a snapshot install + two commits, on a loaded machine.</summary>
    private static readonly TimeSpan HealingTimeout = TimeSpan.FromSeconds(150);

    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private ProcessCluster? _cluster;

    /// <inheritdoc />
    public async Task InitializeAsync()
        => _cluster = await ProcessCluster.StartAsync(count: 5, siloArguments: ["--RaftKeyValue:SelfHealingGracePeriod=00:00:05"]);

    /// <inheritdoc />
    public Task DisposeAsync()
    {
        _cluster?.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_follower_killed_for_good_is_replaced_on_a_spare_silo_and_no_acknowledged_write_is_lost()
    {
        ProcessCluster cluster = _cluster!;
        Assert.Equal([(1, "voter"), (2, "voter"), (3, "voter")], await MembersAsync(cluster));
        using ShellSession shell = ShellSession.Start(cluster.ClientArguments());
        var writes = new AcknowledgedWrites(shell, Log, CommandTimeout);
        for (int i = 0; i < 20; i++)
        {
            await cluster.AssertAsync(await writes.TryWriteAsync($"before-{i}"), $"write before-{i} failed on a healthy cluster");
        }

        SiloProcess victim = await cluster.HealthyFollowerAsync();
        Log($"20 writes acknowledged; killing follower {victim.Name} (pid {victim.ProcessId}) for good");
        victim.Kill();

        // The leader keeps a majority the whole time, so every write is expected to be acknowledged; one that is
        // not (a request caught on the dying silo) is only left out of the read-back, never counted as written.
        (int Replica, string Role)[] expected = [.. new[] { 1, 2, 3, 4 }.Where(r => r != victim.Index).Select(r => (r, "voter"))];
        int attempt = 0, failed = 0;
        var sinceCheck = Stopwatch.StartNew();
        TimeSpan healed = await Eventually.UntilAsync(async () =>
            {
                if (!await writes.TryWriteAsync($"during-{attempt++}")) failed++;
                if (sinceCheck.Elapsed < TimeSpan.FromSeconds(3)) return false;
                sinceCheck.Restart();
                var members = await MembersAsync(cluster);
                Log("members: " + string.Join(", ", members.Select(m => $"{m.Replica}:{m.Role}")));
                return members.SequenceEqual(expected);
            },
            HealingTimeout, $"the leader replaced replica {victim.Index} with replica 4 on silo4", cluster.DescribeAsync);
        Log($"healed {healed.TotalSeconds:0.0} s after the kill; {attempt} writes tried during it, {failed} not acknowledged");

        for (int i = 0; i < 10; i++)
        {
            await cluster.AssertAsync(await writes.TryWriteAsync($"after-{i}"), $"write after-{i} failed once healed");
        }
        await writes.AssertAllReadableAsync(cluster);
        Log($"10 more writes acknowledged; all {writes.Count} acknowledged writes read back");

        // The replacement holds the data itself: it applies everything the leader committed.
        await Eventually.UntilAsync(async () =>
            {
                IReadOnlyList<ReplicaView> status = await cluster.TryStatusAsync() ?? [];
                ReplicaView? leader = status.SingleOrDefault(r => r.Role == "Leader");
                ReplicaView? replacement = status.SingleOrDefault(r => r.Replica == 4);
                Log("status: " + string.Join(", ", status.Select(r => $"{r.Replica}:{r.Role} commit={r.Commit} applied={r.Applied} {r.Error}")));
                return leader is not null && replacement is { Error: null, Role: "Follower" } && replacement.Applied >= leader.Commit;
            },
            TimeSpan.FromSeconds(60), "replica 4 is a follower that applied the leader's commit index", cluster.DescribeAsync);
        Log("replica 4 caught up");
    }

    private static async Task<(int Replica, string Role)[]> MembersAsync(ProcessCluster cluster)
    {
        CliResult list = await cluster.RunClientAsync("--json", "member", "list");
        Assert.True(list.ExitCode == 0 && list.Json.GetProperty("ok").GetBoolean(), list.ToString());
        return [.. list.Json.GetProperty("members").EnumerateArray()
            .Select(m => (m.GetProperty("replica").GetInt32(), m.GetProperty("role").GetString()!))];
    }

    private void Log(string message) => output.WriteLine($"[{_clock.Elapsed.TotalSeconds,6:0.0}s] {message}");
}
