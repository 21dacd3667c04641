using System.Diagnostics;
using RaftOrleans.Grains;
using Xunit;
using Xunit.Abstractions;

namespace RaftOrleans.ProcessNemesis.Tests;

/// <summary>
/// The storage-stall fault on its own (issue 12): while the leader's storage writes hang, the
/// majority elects another leader and keeps acknowledging writes; when the stall ends the old
/// leader rejoins in the same process, and nothing it held while stalled overrides the majority.
/// </summary>
public sealed class StorageStallTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    /// <summary>A leader whose every storage write hangs loses leadership to a live majority, which keeps writing.</summary>
    [Fact]
    public async Task A_leader_whose_storage_stalls_is_replaced_and_writes_continue_on_the_majority()
    {
        await using var cluster = await ProcessNemesisCluster.StartAsync();
        cluster.Clients.StartHealthChecks(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(2));
        var before = await UntilAsync(cluster, async () => await cluster.TryStatusAsync() is { } s && s.Replicas.Count(r => r.Role == "Leader") == 1 ? s : null, "one leader");
        var oldLeader = before.Replicas.Single(r => r.Role == "Leader");
        var stalled = cluster.Silos.Single(s => s.Index == oldLeader.Replica);
        var pid = stalled.ProcessId;
        output.WriteLine($"before: {ProcessNemesisCluster.Describe(before)}; stalling {stalled.Name} (pid {pid})");

        await File.WriteAllTextAsync(cluster.StallFile(stalled), "stalled by the test\n");
        var clock = Stopwatch.StartNew();
        // Writes go through the other silos' gateways: the stalled silo's gateway is alive, but its replica is the one stuck.
        var others = cluster.Silos.Where(s => s != stalled).Select(s => cluster.Clients.Store(s.Index - 1)).ToList();
        var during = await UntilAsync(cluster, async () =>
        {
            var response = await others[(int)(clock.ElapsedMilliseconds / 500 % others.Count)].PutAsync("stall-key", "written-during-stall").WaitAsync(ProcessNemesisCluster.ClientResponseTimeout);
            if (response.Status != KvStatusCode.Ok) return null;
            var status = await cluster.TryStatusAsync();
            // The stalled replica may still call itself leader of the old term (its pump is stuck): the newest term's leader counts.
            var leader = NewestLeader(status);
            return leader is not null && leader.Replica != oldLeader.Replica ? status : null;
        }, "a write is acknowledged while a replica other than the stalled one leads");
        output.WriteLine($"during the stall ({clock.Elapsed.TotalSeconds:0.0} s in): {ProcessNemesisCluster.Describe(during)}");
        var newLeader = NewestLeader(during)!;
        Assert.NotEqual(oldLeader.Replica, newLeader.Replica);
        Assert.True(newLeader.Term > oldLeader.Term, $"new leader's term {newLeader.Term} must exceed the stalled leader's {oldLeader.Term}");
        Assert.Contains("stalls", stalled.RecentOutput(), StringComparison.Ordinal);

        File.Delete(cluster.StallFile(stalled));
        Assert.Null(await cluster.WaitConvergedAsync(TimeSpan.FromSeconds(60)));
        var after = await cluster.TryStatusAsync();
        output.WriteLine($"after the stall: {ProcessNemesisCluster.Describe(after)}");
        Assert.Equal(pid, stalled.ProcessId);
        Assert.True(stalled.IsRunning);
        Assert.Empty(cluster.Deaths());
        Assert.Equal("Follower", after!.Replicas.Single(r => r.Replica == oldLeader.Replica).Role);
        var read = await cluster.Clients.Store(stalled.Index - 1).GetAsync("stall-key").WaitAsync(ProcessNemesisCluster.ClientResponseTimeout * 2);
        Assert.Equal((KvStatusCode.Ok, "written-during-stall"), (read.Status, read.Value));
    }

    private static ReplicaStatus? NewestLeader(GroupStatus? status)
        => status?.Replicas.Where(r => r.Role == "Leader" && r.Error is null).OrderByDescending(r => r.Term).FirstOrDefault();

    private static async Task<T> UntilAsync<T>(ProcessNemesisCluster cluster, Func<Task<T?>> probe, string expectation) where T : class
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if (await probe() is { } value) return value;
            }
            catch (Exception) when (clock.Elapsed < Deadline)
            {
                // Not yet: a call through a silo in transition failed.
            }
            if (clock.Elapsed > Deadline)
            {
                throw new TimeoutException($"Timed out after {Deadline.TotalSeconds:0}s waiting until {expectation}.\nSeen:\n{await cluster.DescribeAsync()}");
            }
            // Poll interval between re-checks, not a synchronisation point.
            await Task.Delay(200);
        }
    }
}
