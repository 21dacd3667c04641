using System.Collections.Concurrent;
using System.Diagnostics;
using RaftOrleans.Grains.Diagnostics;
using RaftOrleans.Testing.Cluster;
using Xunit;

namespace RaftOrleans.Grains.Tests.Diagnostics;

/// <summary>
/// A traced write on test silos with Orleans' activity propagation: the client's span is the parent of the gateway's
/// <c>raftkv.gateway put</c> (an attempt event, the answering replica, the outcome), and the leader's
/// <c>raftkv.replica.propose</c> is in the same trace with its entry's index and the events appended, persisted and
/// committed, in that order.
/// </summary>
public sealed class RaftTracingTests
{
    [Fact]
    public async Task A_put_is_traced_from_the_client_through_the_gateway_to_the_leaders_append_commit_and_apply()
    {
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is RaftTracing.SourceName or "Microsoft.Orleans.Application" or "test",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        using var testSource = new ActivitySource("test");

        await using var cluster = await RaftTestCluster.StartAsync(new RaftTestClusterOptions { ActivityPropagation = true });
        var leader = await cluster.WaitForLeaderAsync();
        ActivityTraceId traceId;
        using (var root = testSource.StartActivity("client put"))
        {
            traceId = root!.TraceId;
            Assert.True((await cluster.Store.PutAsync("traced", "v")).IsOk);
        }

        Activity? gateway = null, propose = null;
        await cluster.WaitUntilAsync(() =>
        {
            var inTrace = stopped.Where(a => a.TraceId == traceId).ToList();
            gateway = inTrace.FirstOrDefault(a => a.OperationName == "raftkv.gateway put");
            propose = inTrace.FirstOrDefault(a => a.OperationName == "raftkv.replica.propose");
            return Task.FromResult(gateway is not null && propose is not null);
        }, TimeSpan.FromSeconds(10), "the gateway's and the leader's spans in the client's trace: "
            + string.Join(", ", stopped.Select(a => $"{a.OperationName}@{a.TraceId}")));

        Assert.Equal("default", gateway!.GetTagItem(RaftMetrics.GroupTag));
        Assert.Equal(leader.Replica, gateway.GetTagItem(RaftMetrics.ReplicaTag));
        Assert.Equal("Ok", gateway.GetTagItem("raftkv.status"));
        Assert.Contains(gateway.Events, e => e.Name == "attempt");

        Assert.Equal(leader.Replica, propose!.GetTagItem(RaftMetrics.ReplicaTag));
        Assert.IsType<long>(propose.GetTagItem("raftkv.index"));
        Assert.Equal(["appended", "persisted", "committed"], propose.Events.Select(e => e.Name));
        Assert.Equal("Ok", propose.GetTagItem("raftkv.status"));
        Assert.True(propose.Duration < gateway.Duration + TimeSpan.FromMilliseconds(1), $"propose {propose.Duration} within gateway {gateway.Duration}");
    }
}
