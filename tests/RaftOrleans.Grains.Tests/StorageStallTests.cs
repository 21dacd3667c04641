using System.Diagnostics;
using System.Globalization;
using RaftOrleans.KeyValue;
using RaftOrleans.Testing.Cluster;
using Xunit;
using Xunit.Abstractions;

namespace RaftOrleans.Grains.Tests;

/// <summary>
/// A replica whose storage stalls (every write taking seconds, as a saturated or failing disk does)
/// while its timer and its peers keep running: the majority keeps serving, and when the stall ends
/// the replica reads what arrived meanwhile before its timers decide anything.
/// </summary>
public sealed class StorageStallTests(ITestOutputHelper output)
{
    /// <summary>Several election timeouts (10 ticks of 30 ms, randomized up to twice that).</summary>
    private static readonly TimeSpan Stall = TimeSpan.FromSeconds(4);

    [Fact]
    public async Task A_leader_whose_storage_stalls_is_replaced_and_steps_down_without_moving_the_term_again()
    {
        await using var cluster = await RaftTestCluster.StartAsync();
        var old = await cluster.WaitForLeaderAsync();
        Assert.Equal(KvStatusCode.Ok, (await cluster.Store.PutAsync("before", "0")).Status);

        var stallStarted = DateTime.UtcNow;
        cluster.Storage.SetLatency(cluster.SiloName(old.Replica), Stall, Stall);
        // This write reaches the old leader first; its append is what stalls there. The gateway's
        // attempt times out and the write goes on to the replica the others elect meanwhile.
        var clock = Stopwatch.StartNew();
        var acknowledged = new Dictionary<string, string>();
        for (var i = 1; i <= 5; i++)
        {
            var response = await cluster.Store.PutAsync($"during/{i}", $"v{i}");
            Assert.True(response.Status == KvStatusCode.Ok, $"write {i} during the stall answered {response.Status}: {response.Message}\n{await cluster.DescribeAsync()}");
            acknowledged[$"during/{i}"] = $"v{i}";
        }
        var writesTook = clock.Elapsed;
        var current = await cluster.WaitForLeaderAsync(excluding: old.Replica);
        Assert.True(current.Term > old.Term, $"new leader {current.Replica} in term {current.Term}, old {old.Replica} in {old.Term}");
        output.WriteLine($"5 writes during the {Stall.TotalSeconds:0} s stall of leader {old.Replica} took {writesTook.TotalSeconds:0.00} s; new leader {current.Replica} in term {current.Term}");

        // Writes stayed on the majority: they finished while the old leader's first write was still stalled.
        Assert.True(writesTook < Stall * 2, $"writes during the stall took {writesTook}");
        cluster.Storage.ClearLatency(cluster.SiloName(old.Replica));

        // The old leader follows the new one, with the new leader's log, in the new leader's term.
        await cluster.WaitUntilAsync(async () =>
        {
            var status = await cluster.StatusAsync();
            var leader = status.Replicas.Single(r => r.Replica == current.Replica);
            var back = status.Replicas.Single(r => r.Replica == old.Replica);
            return leader.Role == "Leader" && back.Role == "Follower" && back.Leader == current.Replica
                && back.Applied == leader.Commit && back.LastIndex == leader.LastIndex;
        }, TimeSpan.FromSeconds(30), $"old leader {old.Replica} follows {current.Replica} with the same log after its stall");

        Assert.Equal(KvStatusCode.Ok, (await cluster.Store.PutAsync("after", "1")).Status);
        acknowledged["after"] = "1";
        var final = await cluster.StatusAsync();
        Assert.All(final.Replicas, r => Assert.True(r.Term == current.Term, $"replica {r.Replica} is in term {r.Term}, the new leader was elected in {current.Term}\n{Describe(final)}"));
        Assert.Equal(current.Replica, final.Replicas.Single(r => r.Role == "Leader").Replica);

        // Nothing answered was wrong: every acknowledged write reads back, on the leader and on the
        // old leader's own copy, and every replica applied the same entry at every index.
        foreach (var (key, value) in acknowledged)
        {
            var read = await cluster.Store.GetAsync(key);
            Assert.True(read.Status == KvStatusCode.Ok && read.Value == value, $"{key}: expected {value}, read {read.Status} {read.Value}");
        }
        var oldGrain = cluster.Replica(old.Replica);
        await cluster.WaitUntilAsync(async () => (await oldGrain.ReadStale("after")).Value == "1", TimeSpan.FromSeconds(30), "the old leader applied the write made after its stall");
        foreach (var (key, value) in acknowledged)
        {
            Assert.Equal(value, (await oldGrain.ReadStale(key)).Value);
        }
        Assert.Empty(cluster.Ledger.Conflicts);
        Assert.Empty(RoleChangesSince(cluster, stallStarted, old.Replica, "Candidate"));
    }

    [Fact]
    public async Task A_follower_whose_storage_stalls_reads_the_leaders_heartbeats_before_its_timer_and_never_campaigns()
    {
        await using var cluster = await RaftTestCluster.StartAsync();
        var leader = await cluster.WaitForLeaderAsync();
        var follower = leader.Replica % cluster.ReplicaCount + 1;
        Assert.Equal(KvStatusCode.Ok, (await cluster.Store.PutAsync("before", "0")).Status);

        var stallStarted = DateTime.UtcNow;
        cluster.Storage.SetLatency(cluster.SiloName(follower), Stall, Stall);
        // The follower's append of this entry stalls (it acknowledges only once it is durable), so the
        // leader commits it with the third replica; the leader's heartbeats then queue at the stalled
        // follower together with the follower's own timer ticks.
        Assert.Equal(KvStatusCode.Ok, (await cluster.Store.PutAsync("during", "1")).Status);
        var stalled = cluster.Replica(follower);
        // Hold the stall for its full length: the follower's timer fires a dozen election timeouts meanwhile.
        await cluster.WaitUntilAsync(() => Task.FromResult(DateTime.UtcNow - stallStarted > Stall), Stall * 3, "the stall has lasted its length");
        cluster.Storage.ClearLatency(cluster.SiloName(follower));

        var leaderStatus = (await cluster.StatusAsync()).Replicas.Single(r => r.Replica == leader.Replica);
        await cluster.WaitUntilAsync(async () =>
        {
            var s = await stalled.GetStatus();
            return s.Role == "Follower" && s.Leader == leader.Replica && s.Applied >= leaderStatus.Commit;
        }, TimeSpan.FromSeconds(30), $"stalled follower {follower} catches up with leader {leader.Replica}");

        // Stepping its queued ticks before the queued heartbeats would have made it a PreCandidate.
        Assert.Empty(RoleChangesSince(cluster, stallStarted, follower, "PreCandidate"));
        Assert.Empty(RoleChangesSince(cluster, stallStarted, follower, "Candidate"));
        var final = await cluster.StatusAsync();
        Assert.All(final.Replicas, r => Assert.True(r.Term == leader.Term, $"replica {r.Replica} is in term {r.Term}, expected {leader.Term}\n{Describe(final)}"));
        Assert.Equal("1", (await stalled.ReadStale("during")).Value);
        Assert.Empty(cluster.Ledger.Conflicts);
    }

    /// <summary>The replica's "is now {role}" log lines written after <paramref name="since"/> (UTC).</summary>
    private static List<string> RoleChangesSince(RaftTestCluster cluster, DateTime since, int replica, string role)
    {
        var marker = $"Replica {RaftTestCluster.Group}/{replica} is now {role} in term";
        var start = since.TimeOfDay - TimeSpan.FromMilliseconds(1);
        return cluster.Logs.Recent(2000)
            .Where(line => line.Contains(marker, StringComparison.Ordinal))
            .Where(line => TimeSpan.TryParseExact(line[..12], @"hh\:mm\:ss\.fff", CultureInfo.InvariantCulture, out var at)
                // Modulo a day, so a test running across midnight still compares correctly.
                && ((at - start).Ticks % TimeSpan.TicksPerDay + TimeSpan.TicksPerDay) % TimeSpan.TicksPerDay < TimeSpan.TicksPerHour)
            .ToList();
    }

    private static string Describe(GroupStatus status)
        => string.Join('\n', status.Replicas.Select(r => $"  replica {r.Replica}: {r.Role} term={r.Term} commit={r.Commit} applied={r.Applied} leader={r.Leader}"));
}
