using Microsoft.Extensions.DependencyInjection;
using RaftOrleans.Testing.Cluster;
using Xunit;

namespace RaftOrleans.Grains.Tests;

/// <summary>Set / get / delete / compare-and-swap and input validation through the gateway grain.</summary>
public sealed class GatewayTests
{
    [Fact]
    public async Task Put_get_delete_and_cas_through_the_gateway()
    {
        await using var cluster = await RaftTestCluster.StartAsync();
        await cluster.WaitForLeaderAsync();
        var store = cluster.Store;

        var missing = await store.GetAsync("color");
        Assert.Equal(KvStatusCode.NotFound, missing.Status);

        var put = await store.PutAsync("color", "red");
        Assert.Equal(KvStatusCode.Ok, put.Status);
        Assert.True(put.Revision > 0);

        var get = await store.GetAsync("color");
        Assert.Equal(("red", put.Revision), (get.Value, get.Revision));
        var stale = await store.GetAsync("color", stale: true);
        Assert.Contains(stale.Status, new[] { KvStatusCode.Ok, KvStatusCode.NotFound }); // any replica, maybe behind

        var conflict = await store.CompareAndSwapAsync("color", CasCondition.ValueEquals("blue"), "green");
        Assert.Equal((KvStatusCode.CasConflict, "red", put.Revision), (conflict.Status, conflict.Value, conflict.Revision));

        var swapped = await store.CompareAndSwapAsync("color", CasCondition.ValueEquals("red"), "green");
        Assert.Equal(KvStatusCode.Ok, swapped.Status);
        Assert.True(swapped.Revision > put.Revision);

        var byRevision = await store.CompareAndSwapAsync("color", CasCondition.RevisionEquals(swapped.Revision), "blue");
        Assert.Equal(KvStatusCode.Ok, byRevision.Status);
        var staleRevision = await store.CompareAndSwapAsync("color", CasCondition.RevisionEquals(swapped.Revision), "black");
        Assert.Equal(KvStatusCode.CasConflict, staleRevision.Status);

        var create = await store.CompareAndSwapAsync("shape", CasCondition.NotExists(), "circle");
        Assert.Equal(KvStatusCode.Ok, create.Status);
        var createAgain = await store.CompareAndSwapAsync("shape", CasCondition.NotExists(), "square");
        Assert.Equal((KvStatusCode.CasConflict, "circle"), (createAgain.Status, createAgain.Value));

        Assert.Equal(KvStatusCode.Ok, (await store.DeleteAsync("color")).Status);
        Assert.Equal(KvStatusCode.NotFound, (await store.DeleteAsync("color")).Status);
        Assert.Equal(KvStatusCode.NotFound, (await store.GetAsync("color")).Status);
    }

    [Fact]
    public async Task Bad_input_gets_a_clear_error_and_changes_nothing()
    {
        await using var cluster = await RaftTestCluster.StartAsync();
        var leader = await cluster.WaitForLeaderAsync();
        var store = cluster.Store;
        Assert.Equal(KvStatusCode.Ok, (await store.PutAsync("k", "v")).Status);
        var before = (await cluster.StatusAsync()).Replicas.Single(r => r.Replica == leader.Replica).LastIndex;

        var cases = new (string What, Func<Task<KvResponse>> Call, string MessagePart)[]
        {
            ("empty key", () => store.PutAsync("", "v"), "empty"),
            ("oversized key", () => store.PutAsync(new string('k', 2000), "v"), "1024"),
            ("oversized value", () => store.PutAsync("k", new string('v', (1 << 20) + 1)), "limit"),
            ("empty key get", () => store.GetAsync(""), "empty"),
            ("empty key delete", () => store.DeleteAsync(""), "empty"),
            ("cas with no condition", () => store.CompareAndSwapAsync("k", new CasCondition(), "x"), "condition"),
            ("cas with two conditions", () => store.CompareAndSwapAsync("k", new CasCondition { ExpectedValue = "v", MustNotExist = true }, "x"), "condition"),
            ("unknown group", () => cluster.Client.GetRaftKeyValueStore("nope").PutAsync("k", "v"), "unknown group"),
        };
        foreach (var (what, call, part) in cases)
        {
            var response = await call();
            Assert.True(response.Status == KvStatusCode.BadInput, $"{what}: expected BadInput, got {response.Status} ({response.Message})");
            Assert.Contains(part, response.Message ?? "", StringComparison.OrdinalIgnoreCase);
        }

        var after = (await cluster.StatusAsync()).Replicas.Single(r => r.Replica == leader.Replica).LastIndex;
        Assert.Equal(before, after);
        Assert.Equal("v", (await store.GetAsync("k")).Value);
    }

    [Fact]
    public async Task A_leader_marked_silent_by_an_earlier_request_is_reached_once_its_silent_window_passes()
    {
        // Found by DiskLossTests in CI: a replica that did not answer while it campaigned won the election right
        // after; requests that started within its silent window alternated between the two followers naming it
        // until their deadline, because the request kept its start-time view of who was silent.
        await using var cluster = await RaftTestCluster.StartAsync();
        var leader = await cluster.WaitForLeaderAsync();
        Assert.True((await cluster.Store.PutAsync("k", "v")).IsOk);
        for (int silo = 1; silo <= cluster.ReplicaCount; silo++)
        {
            cluster.SiloServices(silo).GetRequiredService<RaftOrleans.Grains.Gateway.SilentReplicas>().MarkSilent(RaftTestCluster.Group, leader.Replica);
        }

        var read = await cluster.Store.GetAsync("k");
        Assert.True(read.IsOk && read.Value == "v", $"get while leader {leader.Replica} was marked silent: {read.Status} {read.Message}");
    }
}
