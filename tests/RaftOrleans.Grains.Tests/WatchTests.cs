using System.Globalization;
using RaftOrleans.Testing.Cluster;
using Xunit;

namespace RaftOrleans.Grains.Tests;

/// <summary>Watch through the gateway: every change of a range in revision order, across a leader's death too.</summary>
public sealed class WatchTests
{
    [Fact]
    public async Task A_prefix_watch_sees_every_change_once_in_revision_order_with_previous_values()
    {
        await using var cluster = await RaftTestCluster.StartAsync();
        await cluster.WaitForLeaderAsync();
        IRaftKeyValueStore store = cluster.Store;
        var first = await store.PutAsync("app/a", "1");

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var events = new List<WatchEvent>();
        var watching = Task.Run(async () =>
        {
            await foreach (var change in store.WatchAsync(RangeRequest.WithPrefix("app/"), first.Revision, stop.Token))
            {
                lock (events) events.Add(change);
                if (change.IsDelete && change.Current.Key == "app/b") break;
            }
        });

        Assert.True((await store.PutAsync("elsewhere", "x")).IsOk);
        Assert.True((await store.PutAsync("app/a", "2")).IsOk);
        var txn = await store.TxnAsync(new TxnRequest { Success = [TxnOperation.Put("app/b", "3"), TxnOperation.Put("app/c", "4")] });
        Assert.True(txn.IsOk && txn.Succeeded, txn.Message);
        Assert.Equal(2, (await store.DeleteRangeAsync(RangeRequest.Between("app/a", "app/c"))).Count);
        await watching.WaitAsync(stop.Token);

        Assert.Equal(
            [("app/a", false, "1", (string?)null), ("app/a", false, "2", "1"), ("app/b", false, "3", null), ("app/c", false, "4", null), ("app/a", true, null, "2"), ("app/b", true, null, "3")],
            events.Select(e => (e.Current.Key, e.IsDelete, e.Current.Value, e.Previous?.Value)));
        Assert.Equal(events.Select(e => e.Revision).Order(), events.Select(e => e.Revision));
        Assert.Equal(txn.Revision, events[2].Revision);
        Assert.Equal(txn.Revision, events[3].Revision);
    }

    [Fact]
    public async Task A_watch_follows_a_new_leader_after_the_old_one_dies_without_a_gap_or_a_repeat()
    {
        await using var cluster = await RaftTestCluster.StartAsync();
        var leader = await cluster.WaitForLeaderAsync();
        IRaftKeyValueStore store = cluster.Store;
        var start = await store.PutAsync("seq/start", "0");
        Assert.True(start.IsOk, start.Message);

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var seen = new List<WatchEvent>();
        long lastAcknowledged = start.Revision;
        var watching = Task.Run(async () =>
        {
            await foreach (var change in store.WatchAsync(RangeRequest.WithPrefix("seq/"), start.Revision, stop.Token))
            {
                lock (seen) seen.Add(change);
                if (change.Current.Key == "seq/end") break;
            }
        });

        for (var i = 0; i < 40; i++)
        {
            if (i == 15) await cluster.KillReplicaSiloAsync(leader.Replica);
            var put = await store.PutAsync("seq/" + i.ToString("D2", CultureInfo.InvariantCulture), "v" + i);
            Assert.True(put.IsOk, $"put {i}: {put.Status} {put.Message}\n{await cluster.DescribeAsync()}");
            lastAcknowledged = put.Revision;
        }
        var end = await store.PutAsync("seq/end", "done");
        Assert.True(end.IsOk, end.Message);
        try
        {
            await watching.WaitAsync(stop.Token);
        }
        catch (OperationCanceledException)
        {
            long? reached;
            lock (seen) reached = seen.LastOrDefault()?.Revision;
            Assert.Fail($"the watch stopped at revision {reached} of {end.Revision}\n{await cluster.DescribeAsync()}");
        }

        // Only this test writes under seq/, so every revision from the start to the end is one event, exactly once.
        Assert.Equal(Enumerable.Range((int)start.Revision, (int)(end.Revision - start.Revision + 1)).Select(r => (long)r), seen.Select(e => e.Revision));
        Assert.True(lastAcknowledged < end.Revision);
    }

    [Fact]
    public async Task A_watch_of_a_bad_range_fails_clearly()
    {
        await using var cluster = await RaftTestCluster.StartAsync();
        await cluster.WaitForLeaderAsync();
        IRaftKeyValueStore store = cluster.Store;

        var bad = await Assert.ThrowsAsync<RaftKeyValueException>(async () =>
        {
            await foreach (var _ in store.WatchAsync(RangeRequest.Between("b", "a"))) { }
        });
        Assert.Equal(KvStatusCode.BadInput, bad.Response.Status);
        Assert.Contains("sorts before its start", bad.Response.Message);
    }
}
