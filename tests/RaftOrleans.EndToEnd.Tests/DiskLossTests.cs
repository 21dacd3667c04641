using System.Text.Json;
using RaftOrleans.EndToEnd.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace RaftOrleans.EndToEnd.Tests;

/// <summary>
/// Issue #13's reproduction on three <c>raftkv-silo run</c> processes: a follower stalled (SIGSTOP), 20 writes
/// acknowledged by the leader and the other follower, that follower's data directory deleted and its silo started
/// again under its old name, the leader killed, the stalled follower resumed (SIGCONT). The blank replica and the
/// stalled one must not acknowledge any write; once the old leader is back, every acknowledged write is there.
/// </summary>
public sealed class DiskLossTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RecoveryTimeout = TimeSpan.FromSeconds(60);
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
    private readonly Dictionary<string, string> _acknowledged = [];
    private ProcessCluster? _cluster;
    private SiloProcess? _stopped;

    public async Task InitializeAsync()
    {
        _cluster = await ProcessCluster.StartAsync();
        Log("cluster serving");
    }

    public Task DisposeAsync()
    {
        // A stopped process cannot exit: resume it before the cluster kills everything.
        if (_stopped is { IsRunning: true } stopped) Signals.Continue(stopped.ProcessId);
        _cluster?.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_wiped_follower_and_a_stalled_one_acknowledge_nothing_and_every_acknowledged_write_survives()
    {
        ProcessCluster cluster = _cluster!;
        using ShellSession shell = ShellSession.Start(cluster.ClientArguments());
        Assert.True(await TryWriteAsync(shell, "before"), $"a write failed on a healthy cluster\n{await cluster.DescribeAsync()}");

        ReplicaView leader = await LeaderAsync(cluster);
        SiloProcess leaderSilo = cluster.Silos.Single(s => s.Name == leader.Silo);
        SiloProcess[] followers = [.. cluster.Silos.Where(s => s != leaderSilo).OrderBy(s => s.Index)];
        SiloProcess stalled = followers[0];
        SiloProcess wiped = followers[1];

        // The stall must stay short (the was under a second): a silo stopped longer than Orleans' membership
        // probes allow is declared dead and stops itself when resumed. So the writes go straight to the leader's
        // gateway through a client connected before the stall.
        using ShellSession direct = ShellSession.Start([.. cluster.ClientArguments().Where(a => a != "--data" && a != cluster.DataDirectory),
            "--gateway", $"127.0.0.1:{leaderSilo.GatewayPort}"]);
        Assert.True(await TryWriteAsync(direct, "direct"), $"a write through {leaderSilo.Name}'s gateway failed\n{await cluster.DescribeAsync()}");

        Signals.Stop(stalled.ProcessId);
        _stopped = stalled;
        var stall = System.Diagnostics.Stopwatch.StartNew();
        for (int i = 0; i < 20; i++)
        {
            Assert.True(await TryWriteAsync(direct, $"acked-{i}"), $"write acked-{i} failed with {leaderSilo.Name} and {wiped.Name} up\n{await cluster.DescribeAsync()}");
        }
        Log($"leader {leaderSilo.Name}; {stalled.Name} stopped (SIGSTOP); 20 writes acknowledged by {leaderSilo.Name} and {wiped.Name} in {stall.ElapsedMilliseconds} ms");

        wiped.Kill();
        string siloData = Path.Combine(cluster.DataDirectory, wiped.Name);
        Assert.True(Directory.Exists(siloData), $"no data directory {siloData}");
        Directory.Delete(siloData, recursive: true);
        wiped.Start();
        leaderSilo.Kill();
        Signals.Continue(stalled.ProcessId);
        _stopped = null;
        Log($"{wiped.Name} restarted on a blank data directory, leader {leaderSilo.Name} killed, {stalled.Name} resumed after {stall.ElapsedMilliseconds} ms");

        // The blank replica and the stale one must not form a majority: nothing is acknowledged.
        for (int i = 0; i < 2; i++)
        {
            JsonElement result = await shell.SendAsync($"set during-{i} lost", CommandTimeout);
            Assert.False(result.GetProperty("ok").GetBoolean(), $"write during-{i} was acknowledged by the blank and the stalled replica: {result}\n{await cluster.DescribeAsync()}");
            Assert.Equal("unavailable", result.GetProperty("error").GetString());
        }
        Log("no write acknowledged while the old leader was down");

        leaderSilo.Start();
        int attempt = 0;
        TimeSpan recovery = await Eventually.UntilAsync(async () => await TryWriteAsync(shell, $"after-{attempt++}"),
            RecoveryTimeout, $"a write succeeds once {leaderSilo.Name} is back", cluster.DescribeAsync);
        Log($"writes resumed {recovery.TotalMilliseconds:0} ms after {leaderSilo.Name} restarted");

        foreach ((string key, string value) in _acknowledged)
        {
            JsonElement read = await shell.SendAsync($"get {key}", CommandTimeout);
            Assert.True(read.GetProperty("ok").GetBoolean(), $"acknowledged key {key} is gone: {read}\n{await cluster.DescribeAsync()}");
            Assert.Equal(value, read.GetProperty("value").GetString());
        }
        Log($"all {_acknowledged.Count} acknowledged writes read back");
        IReadOnlyList<ReplicaView> status = await cluster.TryStatusAsync() ?? [];
        ReplicaView? blank = status.SingleOrDefault(r => r.Silo == wiped.Name);
        Assert.True(blank is null || blank.Commit == 0, $"the blank replica was counted again: {blank}\n{await cluster.DescribeAsync()}");
    }

    private void Log(string message) => output.WriteLine($"[{_clock.Elapsed.TotalSeconds,6:0.0}s] {message}");

    private async Task<bool> TryWriteAsync(ShellSession shell, string key)
    {
        string value = $"value-of-{key}";
        JsonElement result = await shell.SendAsync($"set {key} {value}", CommandTimeout);
        if (!result.GetProperty("ok").GetBoolean())
        {
            Assert.Equal("unavailable", result.GetProperty("error").GetString());
            return false;
        }
        _acknowledged[key] = value;
        return true;
    }

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
