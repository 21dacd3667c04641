using System.Diagnostics;
using RaftOrleans.Testing.Cluster;
using Xunit;

namespace RaftOrleans.Grains.Tests;

/// <summary>Leases through a three-replica group: expiry decided by the leader, keep-alive across a leader's death.</summary>
public sealed class LeaseTests
{
    [Fact]
    public async Task A_lease_without_keep_alives_expires_and_takes_its_keys_with_it()
    {
        await using var cluster = await RaftTestCluster.StartAsync();
        await cluster.WaitForLeaderAsync();
        IRaftKeyValueStore store = cluster.Store;

        var lease = await store.GrantLeaseAsync(2);
        Assert.True(lease.IsOk && lease.Lease > 0 && lease.Ttl == 2, lease.Message);
        Assert.True((await store.PutAsync("owned", "x", lease.Lease)).IsOk);
        Assert.True((await store.PutAsync("free", "y")).IsOk);
        var ttl = await store.LeaseTimeToLiveAsync(lease.Lease, keys: true);
        Assert.True(ttl.IsOk && ttl.GrantedTtl == 2 && ttl.Ttl is > 0 and <= 2, $"{ttl.Status} {ttl.Ttl}/{ttl.GrantedTtl} {ttl.Message}");
        Assert.Equal(["owned"], ttl.Items!.Select(i => i.Key));
        Assert.Equal(lease.Lease, (await store.RangeAsync(RangeRequest.Single("owned"))).Items![0].Lease);

        var granted = Stopwatch.StartNew();
        await cluster.WaitUntilAsync(async () => (await store.GetAsync("owned")).Status == KvStatusCode.NotFound,
            TimeSpan.FromSeconds(30), "the key of the expired lease is deleted");
        Assert.True(granted.Elapsed >= TimeSpan.FromSeconds(1.5), $"the lease ended after {granted.Elapsed}, before its 2 s time to live");
        Assert.Equal("y", (await store.GetAsync("free")).Value);
        Assert.Equal(KvStatusCode.NotFound, (await store.LeaseTimeToLiveAsync(lease.Lease)).Status);
        Assert.Equal(KvStatusCode.NotFound, (await store.KeepLeaseAliveOnceAsync(lease.Lease)).Status);
    }

    [Fact]
    public async Task A_lease_kept_alive_survives_the_death_of_the_leader_and_expires_once_the_keep_alives_stop()
    {
        await using var cluster = await RaftTestCluster.StartAsync();
        var leader = await cluster.WaitForLeaderAsync();
        IRaftKeyValueStore store = cluster.Store;
        var lease = await store.GrantLeaseAsync(3);
        Assert.True((await store.PutAsync("lock", "holder-1", lease.Lease)).IsOk);

        using var keeping = new CancellationTokenSource();
        var keepAlive = store.KeepLeaseAliveAsync(lease.Lease, keeping.Token);
        await cluster.KillReplicaSiloAsync(leader.Replica);
        await cluster.WaitForLeaderAsync(excluding: leader.Replica);

        // Three TTLs with the keep-alives running: the key must be there at every look.
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(9))
        {
            var got = await store.GetAsync("lock");
            Assert.True(got.Status != KvStatusCode.NotFound, $"the kept-alive lease expired after {watch.Elapsed}\n{await cluster.DescribeAsync()}");
            Assert.False(keepAlive.IsFaulted, keepAlive.Exception?.ToString());
            await Task.Delay(200);
        }

        keeping.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => keepAlive);
        await cluster.WaitUntilAsync(async () => (await store.GetAsync("lock")).Status == KvStatusCode.NotFound,
            TimeSpan.FromSeconds(30), "the key is deleted once the keep-alives stop");
    }

    [Fact]
    public async Task Bad_lease_requests_are_refused_clearly()
    {
        await using var cluster = await RaftTestCluster.StartAsync();
        await cluster.WaitForLeaderAsync();
        IRaftKeyValueStore store = cluster.Store;

        Assert.Equal((KvStatusCode.BadInput, "a lease's time to live must be at least 1 second, was 0"), Of(await store.GrantLeaseAsync(0)));
        Assert.Equal(KvStatusCode.BadInput, (await store.GrantLeaseAsync(10_000_000_000)).Status);
        Assert.Equal((KvStatusCode.BadInput, "lease 99 not found"), Of(await store.PutAsync("k", "v", 99)));
        Assert.Equal(KvStatusCode.NotFound, (await store.RevokeLeaseAsync(99)).Status);
        Assert.Equal(KvStatusCode.NotFound, (await store.KeepLeaseAliveOnceAsync(99)).Status);
        Assert.Equal(KvStatusCode.BadInput, (await store.KeepLeaseAliveOnceAsync(0)).Status);
        var lost = await Assert.ThrowsAsync<RaftKeyValueException>(() => store.KeepLeaseAliveAsync(99, CancellationToken.None));
        Assert.Equal(KvStatusCode.NotFound, lost.Response.Status);

        var lease = await store.GrantLeaseAsync(60);
        Assert.True((await store.PutAsync("a", "1", lease.Lease)).IsOk);
        var revoked = await store.RevokeLeaseAsync(lease.Lease);
        Assert.Equal((KvStatusCode.Ok, 1L), (revoked.Status, revoked.Count));
        Assert.Equal(KvStatusCode.NotFound, (await store.GetAsync("a")).Status);
    }

    private static (KvStatusCode, string?) Of(KvResponse response) => (response.Status, response.Message);
}
