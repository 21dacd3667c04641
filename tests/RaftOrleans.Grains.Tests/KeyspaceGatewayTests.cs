using Microsoft.Extensions.DependencyInjection;
using RaftOrleans.Testing.Cluster;
using Xunit;

namespace RaftOrleans.Grains.Tests;

/// <summary>Ranges, delete-range, transactions and increments through the gateway and a three-replica group.</summary>
public sealed class KeyspaceGatewayTests
{
    [Fact]
    public async Task Ranges_read_in_key_order_with_limits_counts_and_revisions()
    {
        await using var cluster = await RaftTestCluster.StartAsync();
        await cluster.WaitForLeaderAsync();
        IRaftKeyValueStore store = cluster.Store;
        foreach (var key in new[] { "cfg/b", "cfg/a", "cfg/c", "other", "cfg/😀", "cfg/\uE000" }) Assert.True((await store.PutAsync(key, "v-" + key)).IsOk);

        var all = await store.RangeAsync(RangeRequest.WithPrefix("cfg/"));
        Assert.True(all.IsOk, all.Message);
        // UTF-8 byte order: U+E000 (EE 80 80) before U+1F600 (F0 9F 98 80), though UTF-16 orders them the other way.
        Assert.Equal(["cfg/a", "cfg/b", "cfg/c", "cfg/\uE000", "cfg/😀"], all.Items!.Select(i => i.Key));
        Assert.Equal(5, all.Count);
        Assert.Equal("v-cfg/a", all.Items![0].Value);

        var page = await store.RangeAsync(RangeRequest.Between("cfg/b", "cfg/z") with { Limit = 1, KeysOnly = true });
        Assert.Equal((1, 2L, true, (string?)null), (page.Items!.Count, page.Count, page.More, page.Items[0].Value));
        var count = await store.RangeAsync(RangeRequest.WithPrefix("") with { CountOnly = true });
        Assert.Equal((6L, 0), (count.Count, count.Items!.Count));

        // A revision read: the keyspace as it was, whatever came after.
        long before = all.Revision;
        Assert.True((await store.PutAsync("cfg/a", "changed")).IsOk);
        Assert.True((await store.DeleteAsync("cfg/b")).IsOk);
        var then = await store.RangeAsync(RangeRequest.WithPrefix("cfg/") with { Revision = before });
        Assert.Equal(("v-cfg/a", 5), (then.Items![0].Value, then.Items.Count));
        var now = await store.RangeAsync(RangeRequest.WithPrefix("cfg/"));
        Assert.Equal(("changed", 4), (now.Items![0].Value, now.Items.Count));
        Assert.Equal((1, 2), (now.Items[0].CreateRevision > 0 ? 1 : 0, (int)now.Items[0].Version));

        var stale = await store.RangeAsync(RangeRequest.WithPrefix("cfg/") with { Serializable = true });
        Assert.True(stale.IsOk, stale.Message);

        var future = await store.RangeAsync(RangeRequest.WithPrefix("cfg/") with { Revision = now.Revision + 100 });
        Assert.Equal(KvStatusCode.BadInput, future.Status);
        Assert.Contains("in the future", future.Message);
        var reversed = await store.RangeAsync(RangeRequest.Between("b", "a"));
        Assert.Equal((KvStatusCode.BadInput, "the range end 'a' sorts before its start 'b'"), (reversed.Status, reversed.Message));
        var empty = await store.RangeAsync(RangeRequest.Between("b", "b"));
        Assert.Equal(KvStatusCode.BadInput, empty.Status);
    }

    [Fact]
    public async Task A_scan_pages_through_a_prefix_at_one_revision_while_keys_change()
    {
        await using var cluster = await RaftTestCluster.StartAsync();
        await cluster.WaitForLeaderAsync();
        IRaftKeyValueStore store = cluster.Store;
        for (var i = 0; i < 25; i++) Assert.True((await store.PutAsync($"item/{i:D2}", "first")).IsOk);

        var seen = new List<KeyValueItem>();
        await foreach (var item in store.ScanAsync(RangeRequest.WithPrefix("item/"), pageSize: 4))
        {
            seen.Add(item);
            // Writes during the scan: a new key, a rewrite and a delete. The scan must not see any of them.
            if (seen.Count == 5)
            {
                Assert.True((await store.PutAsync("item/00a", "new")).IsOk);
                Assert.True((await store.PutAsync("item/20", "second")).IsOk);
                Assert.True((await store.DeleteAsync("item/24")).IsOk);
            }
        }
        Assert.Equal(Enumerable.Range(0, 25).Select(i => $"item/{i:D2}"), seen.Select(s => s.Key));
        Assert.All(seen, s => Assert.Equal("first", s.Value));
    }

    [Fact]
    public async Task Transactions_delete_ranges_and_increments()
    {
        await using var cluster = await RaftTestCluster.StartAsync();
        await cluster.WaitForLeaderAsync();
        IRaftKeyValueStore store = cluster.Store;

        // Create-if-absent, the lock idiom: the first succeeds, the second sees the key and reads it instead.
        TxnRequest Claim(string owner) => new()
        {
            Compares = [TxnCompare.Absent("lock")],
            Success = [TxnOperation.Put("lock", owner), TxnOperation.Put("lock-log", owner)],
            Failure = [TxnOperation.Read(RangeRequest.Single("lock"))],
        };
        var first = await store.TxnAsync(Claim("alice"));
        Assert.True(first.IsOk && first.Succeeded, first.Message);
        var second = await store.TxnAsync(Claim("bob"));
        Assert.True(second.IsOk && !second.Succeeded, second.Message);
        Assert.Equal("alice", second.Responses![0].Items![0].Value);
        // Both puts of the first share one revision.
        var lockKey = await store.GetAsync("lock");
        var logKey = await store.GetAsync("lock-log");
        Assert.Equal(first.Revision, lockKey.Revision);
        Assert.Equal(first.Revision, logKey.Revision);

        var one = await store.IncrementAsync("counter");
        var five = await store.IncrementAsync("counter", 4);
        Assert.Equal(("1", "5"), (one.Value, five.Value));
        Assert.True((await store.PutAsync("word", "hello")).IsOk);
        var notNumber = await store.IncrementAsync("word");
        Assert.Equal(KvStatusCode.BadInput, notNumber.Status);
        Assert.Contains("not an integer", notNumber.Message);

        var deleted = await store.DeleteRangeAsync(RangeRequest.WithPrefix("lock"));
        Assert.Equal((KvStatusCode.Ok, 2L), (deleted.Status, deleted.Count));
        Assert.Equal(KvStatusCode.NotFound, (await store.GetAsync("lock")).Status);

        var tooBig = await store.TxnAsync(new TxnRequest { Success = [.. Enumerable.Range(0, 200).Select(i => TxnOperation.Put($"k{i}", "v"))] });
        Assert.Equal(KvStatusCode.BadInput, tooBig.Status);
        Assert.Contains("the limit is 128", tooBig.Message);
    }

    [Fact]
    public async Task The_store_is_registered_for_dependency_injection()
    {
        await using var cluster = await RaftTestCluster.StartAsync();
        await cluster.WaitForLeaderAsync();
        var services = new ServiceCollection();
        services.AddSingleton<IGrainFactory>(cluster.Client);
        services.AddRaftKeyValueStore();
        await using var provider = services.BuildServiceProvider();

        var store = provider.GetRequiredService<IRaftKeyValueStore>();
        Assert.Equal("default", store.Group);
        Assert.True((await store.PutAsync("di", "works")).IsOk);
        Assert.Same(store, provider.GetRequiredKeyedService<IRaftKeyValueStore>("default"));
    }
}
