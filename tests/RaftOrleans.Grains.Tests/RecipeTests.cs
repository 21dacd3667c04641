using System.Diagnostics;
using System.Globalization;
using Medallion.Threading;
using Microsoft.Extensions.DependencyInjection;
using RaftOrleans.Recipes;
using RaftOrleans.Testing.Cluster;
using Xunit;

namespace RaftOrleans.Grains.Tests;

/// <summary>The lock and election recipes on a three-replica group.</summary>
public sealed class RecipeTests
{
    private static readonly RaftLockOptions ShortLeases = new() { LeaseTtl = TimeSpan.FromSeconds(2) };

    [Fact]
    public async Task Contenders_take_the_lock_one_at_a_time_and_fenced_writes_never_interleave()
    {
        await using var cluster = await RaftTestCluster.StartAsync();
        await cluster.WaitForLeaderAsync();
        IRaftKeyValueStore store = cluster.Store;
        var holders = 0;
        var tokens = new List<long>();

        async Task Contend(int contender)
        {
            var gate = new RaftDistributedLock(store, "counter", ShortLeases);
            for (var round = 0; round < 3; round++)
            {
                await using var handle = await gate.AcquireAsync(TimeSpan.FromSeconds(60));
                Assert.Equal(1, Interlocked.Increment(ref holders));
                lock (tokens) tokens.Add(handle.FencingToken);
                var current = await store.GetAsync("counter");
                var next = (current.IsOk ? int.Parse(current.Value!, CultureInfo.InvariantCulture) : 0) + 1;
                var written = await handle.PutIfHeldAsync("counter", next.ToString(CultureInfo.InvariantCulture));
                Assert.True(written.IsOk && written.Succeeded, $"contender {contender}: fenced write refused while holding the lock");
                Assert.Equal(0, Interlocked.Decrement(ref holders));
            }
        }

        await Task.WhenAll(Enumerable.Range(0, 4).Select(Contend));
        Assert.Equal("12", (await store.GetAsync("counter")).Value);
        // Each holder's token is larger than every earlier holder's.
        Assert.Equal(tokens.Order(), tokens);
        Assert.Equal(tokens.Count, tokens.Distinct().Count());
        Assert.Empty((await store.RangeAsync(RangeRequest.WithPrefix("locks/counter/"))).Items!);
    }

    [Fact]
    public async Task A_crashed_holder_loses_the_lock_when_its_lease_runs_out_and_its_fenced_write_is_refused()
    {
        await using var cluster = await RaftTestCluster.StartAsync();
        await cluster.WaitForLeaderAsync();
        IRaftKeyValueStore store = cluster.Store;
        // A holder that crashed: its key under the lock's prefix with a 2 s lease nobody keeps alive.
        var lease = await store.GrantLeaseAsync(2);
        var crashedKey = $"locks/job/{lease.Lease:x16}";
        var crashed = await store.PutAsync(crashedKey, "", lease.Lease);
        Assert.True(crashed.IsOk, crashed.Message);

        var gate = new RaftDistributedLock(store, "job", ShortLeases);
        Assert.Null(await gate.TryAcquireAsync(TimeSpan.Zero));
        var waited = Stopwatch.StartNew();
        await using var handle = await gate.AcquireAsync(TimeSpan.FromSeconds(30));
        Assert.True(handle.FencingToken > crashed.Revision);
        Assert.True(waited.Elapsed > TimeSpan.FromSeconds(0.5), $"took the lock after {waited.Elapsed}, before the crashed holder's lease ran out");

        // The crashed holder wakes up and writes with its old token: refused.
        var stale = await store.TxnAsync(new TxnRequest
        {
            Compares = [TxnCompare.NumberIs(crashedKey, TxnTarget.CreateRevision, TxnOperator.Equal, crashed.Revision)],
            Success = [TxnOperation.Put("job/output", "stale")],
        });
        Assert.True(stale.IsOk && !stale.Succeeded);
        Assert.True((await handle.PutIfHeldAsync("job/output", "fresh")).Succeeded);
        Assert.Equal("fresh", (await store.GetAsync("job/output")).Value);
    }

    [Fact]
    public async Task The_lock_provider_comes_from_dependency_injection_and_try_acquire_fails_while_held()
    {
        await using var cluster = await RaftTestCluster.StartAsync();
        await cluster.WaitForLeaderAsync();
        var services = new ServiceCollection();
        services.AddSingleton<IGrainFactory>(cluster.Client);
        services.AddRaftKeyValueStore().AddRaftDistributedLocks(o => o.LeaseTtl = TimeSpan.FromSeconds(5));
        await using var provider = services.BuildServiceProvider();
        var locks = provider.GetRequiredService<IDistributedLockProvider>();

        var first = await locks.CreateLock("report").TryAcquireAsync();
        Assert.NotNull(first);
        Assert.Null(await locks.CreateLock("report").TryAcquireAsync(TimeSpan.FromMilliseconds(300)));
        Assert.NotNull(await locks.CreateLock("other").TryAcquireAsync());
        await first.DisposeAsync();
        await using var second = await locks.CreateLock("report").TryAcquireAsync(TimeSpan.FromSeconds(10));
        Assert.NotNull(second);
        Assert.Throws<ArgumentException>(() => new RaftLockOptions { LeaseTtl = TimeSpan.FromMilliseconds(10) }.Validate());
    }

    [Fact]
    public async Task An_election_has_one_leader_observers_follow_proclaims_and_the_next_candidate_leads_after_a_resign()
    {
        await using var cluster = await RaftTestCluster.StartAsync();
        await cluster.WaitForLeaderAsync();
        IRaftKeyValueStore store = cluster.Store;
        var election = new RaftElection(store, "primary", new RaftLockOptions { Prefix = "elections/", LeaseTtl = TimeSpan.FromSeconds(3) });

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var seen = new List<string?>();
        var observed = new TaskCompletionSource();
        var observing = Task.Run(async () =>
        {
            await foreach (var value in election.ObserveAsync(stop.Token))
            {
                lock (seen) seen.Add(value);
                if (value == "b") { observed.TrySetResult(); return; }
            }
        });

        var a = await election.CampaignAsync("a", stop.Token);
        var b = election.CampaignAsync("b", stop.Token);
        Assert.Equal("a", await election.LeaderAsync());
        Assert.True(await a.ProclaimAsync("a2"));
        Assert.False(b.IsCompleted);
        await a.ResignAsync();
        var leaderB = await b.WaitAsync(stop.Token);
        Assert.True(leaderB.Term > a.Term);
        Assert.False(await a.ProclaimAsync("too late"));
        await observed.Task.WaitAsync(stop.Token);
        lock (seen)
        {
            Assert.Equal("b", seen[^1]);
            Assert.Contains("a2", seen);
            Assert.True(seen.IndexOf("a2") < seen.IndexOf("b"));
        }
        await leaderB.DisposeAsync();
        await observing;
    }
}
