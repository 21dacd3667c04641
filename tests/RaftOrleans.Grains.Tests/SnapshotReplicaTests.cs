using System.Globalization;
using RaftOrleans.Testing.Cluster;
using Xunit;
using Xunit.Abstractions;

namespace RaftOrleans.Grains.Tests;

/// <summary>
/// Snapshots in a running cluster: a follower that missed more than the compacted log catches up
/// through InstallSnapshot, and a restarted replica activates from its snapshot plus the log tail.
/// </summary>
public sealed class SnapshotReplicaTests(ITestOutputHelper output)
{
    private const int Keys = 1_000;
    private const int Writers = 50;

    private static string Key(int i) => "key-" + i.ToString(CultureInfo.InvariantCulture);

    private static RaftTestClusterOptions Options() => new()
    {
        // Small thresholds so that 20,000 entries take ten snapshots and leave a follower far behind
        // the compaction point.
        ConfigureRaft = o =>
        {
            o.SnapshotEveryEntries = 2_000;
            o.TrailingEntries = 500;
            o.SnapshotPartBytes = 64 * 1024;
        },
    };

    /// <summary>
    /// Writes <paramref name="total"/> puts: each writer owns the keys congruent to it and writes them in
    /// turn, so the last value of every key is known exactly. Returns key → last acknowledged value.
    /// </summary>
    private static async Task<Dictionary<string, string>> WriteAsync(RaftTestCluster cluster, int total, int round)
    {
        var last = new Dictionary<string, string>[Writers];
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(async w =>
        {
            last[w] = [];
            for (var n = 0; n < total / Writers; n++)
            {
                var key = Key(w + Writers * (n % (Keys / Writers)));
                var value = $"r{round}-w{w}-n{n}";
                var r = await cluster.Store.PutAsync(key, value);
                if (r.Status != KvStatusCode.Ok) throw new InvalidOperationException($"put {key} failed: {r.Status} {r.Message}\n{await cluster.DescribeAsync()}");
                last[w][key] = value;
            }
        }));
        return last.SelectMany(d => d).ToDictionary(p => p.Key, p => p.Value);
    }

    private static async Task AssertReplicaHoldsAsync(RaftTestCluster cluster, int replica, Dictionary<string, string> expected)
    {
        var grain = cluster.Replica(replica);
        foreach (var (key, value) in expected)
        {
            var got = await grain.ReadStale(key);
            Assert.True(got.Status == KvStatusCode.Ok && got.Value == value, $"replica {replica} has {key} = {got.Status} '{got.Value}', expected '{value}'\n{await cluster.DescribeAsync()}");
        }
    }

    [Fact]
    public async Task A_follower_stopped_for_20000_entries_catches_up_through_InstallSnapshot_and_a_restart_loads_snapshot_and_tail()
    {
        await using var cluster = await RaftTestCluster.StartAsync(Options());
        var leader = await cluster.WaitForLeaderAsync();
        var lagging = Enumerable.Range(1, cluster.ReplicaCount).First(r => r != leader.Replica);
        Assert.Equal(KvStatusCode.Ok, (await cluster.Store.PutAsync("before", "stop")).Status);
        await cluster.KillReplicaSiloAsync(lagging);

        var started = DateTime.UtcNow;
        var expected = await WriteAsync(cluster, 20_000, round: 1);
        output.WriteLine($"20,000 puts in {(DateTime.UtcNow - started).TotalSeconds:0.0} s");

        var statuses = await cluster.ReplicaStatusesAsync(TimeSpan.FromSeconds(10));
        var leading = statuses.Single(s => s.Role == "Leader");
        Assert.True(leading.FirstIndex > 15_000, $"the leader's log was not compacted: first index {leading.FirstIndex}\n{await cluster.DescribeAsync()}");
        Assert.True(leading.SnapshotIndex >= 18_000, $"leader snapshot at {leading.SnapshotIndex}");

        // The stopped follower returns: its log ends before the leader's first index.
        await cluster.RestartReplicaSiloAsync(lagging);
        await cluster.WaitUntilAsync(async () =>
        {
            var all = await cluster.ReplicaStatusesAsync(TimeSpan.FromSeconds(5));
            var current = all.SingleOrDefault(r => r.Role == "Leader");
            var back = all.Single(r => r.Replica == lagging);
            return current is not null && back.Role == "Follower" && back.Applied >= current.Commit && back.SnapshotsInstalled >= 1;
        }, TimeSpan.FromSeconds(90), $"replica {lagging} installed a snapshot and caught up");
        var caughtUp = (await cluster.ReplicaStatusesAsync(TimeSpan.FromSeconds(5))).Single(r => r.Replica == lagging);
        output.WriteLine($"replica {lagging}: first index {caughtUp.FirstIndex}, snapshot {caughtUp.SnapshotIndex}, applied {caughtUp.Applied}, installs {caughtUp.SnapshotsInstalled}");
        Assert.True(caughtUp.FirstIndex > 15_000, $"replica {lagging} first index {caughtUp.FirstIndex} after the install");
        await AssertReplicaHoldsAsync(cluster, lagging, expected);
        Assert.Equal("stop", (await cluster.Replica(lagging).ReadStale("before")).Value);

        // It keeps replicating with appends after the install.
        var more = await WriteAsync(cluster, 500, round: 2);
        foreach (var (k, v) in more) expected[k] = v;
        await cluster.WaitUntilAsync(async () =>
        {
            var all = await cluster.ReplicaStatusesAsync(TimeSpan.FromSeconds(5));
            return all.Single(r => r.Replica == lagging).Applied >= all.Single(r => r.Role == "Leader").Commit;
        }, TimeSpan.FromSeconds(60), $"replica {lagging} applied the writes after its install");
        await AssertReplicaHoldsAsync(cluster, lagging, expected);

        // A restarted replica activates from its snapshot plus the tail, not from index 1.
        var other = Enumerable.Range(1, cluster.ReplicaCount).First(r => r != lagging && r != leading.Replica);
        await cluster.KillReplicaSiloAsync(other);
        await cluster.RestartReplicaSiloAsync(other);
        var activated = (await cluster.ReplicaStatusesAsync(TimeSpan.FromSeconds(10))).Single(r => r.Replica == other);
        output.WriteLine($"replica {other} after restart: first index {activated.FirstIndex}, snapshot {activated.SnapshotIndex}, applied {activated.Applied}");
        Assert.True(activated.FirstIndex > 15_000, $"restarted replica {other} loaded its log from {activated.FirstIndex}");
        Assert.True(activated.SnapshotIndex >= 18_000 && activated.Applied >= activated.SnapshotIndex, $"restarted replica {other}: snapshot {activated.SnapshotIndex}, applied {activated.Applied}");
        await cluster.WaitUntilAsync(async () =>
        {
            var all = await cluster.ReplicaStatusesAsync(TimeSpan.FromSeconds(5));
            var current = all.SingleOrDefault(r => r.Role == "Leader");
            return current is not null && all.Single(r => r.Replica == other).Applied >= current.Commit;
        }, TimeSpan.FromSeconds(60), $"restarted replica {other} caught up");
        await AssertReplicaHoldsAsync(cluster, other, expected);

        // Snapshot rows, chunk deletes and log appends were written in the background and the pump
        // at once, yet never two at a time into one silo's SQLite file (SqliteWriteGate): a second
        // writer meets SQLITE_BUSY, which Microsoft.Data.Sqlite answers with a 150 ms sleep.
        foreach (var replica in Enumerable.Range(1, cluster.ReplicaCount))
        {
            Assert.Equal(1, cluster.Storage.MaxConcurrentWrites(cluster.SiloName(replica)));
        }
    }
}
