using RaftOrleans.Grains;
using RaftOrleans.Nemesis.Tests.Checks;
using RaftOrleans.Nemesis.Tests.Harness;
using RaftOrleans.Testing.Workload;
using RaftOrleans.Testing.Cluster;
using RaftOrleans.Testing.History;
using Xunit;

namespace RaftOrleans.Nemesis.Tests;

/// <summary>
/// A client that goes away mid-request: its requests are in flight in the gateway (which keeps
/// retrying them) when its connection is killed. Whatever they did, they did once; nothing already
/// committed is lost, and a new client sees one consistent, converged store.
/// </summary>
public sealed class ClientDisconnectTests
{
    [Fact]
    public async Task A_client_killed_with_requests_in_flight_loses_nothing_committed()
    {
        await using var cluster = await RaftTestCluster.StartAsync(new RaftTestClusterOptions
        {
            RequestTimeout = NemesisRun.RequestTimeout,
            ClientResponseTimeout = NemesisRun.ClientDeadline,
        });
        await cluster.WaitForLeaderAsync();
        var recorder = new HistoryRecorder();
        var stats = new WorkloadStats();
        const int Keys = 4;

        // The first client: ten connections' worth of back-to-back requests on a few keys.
        var firstClient = cluster.Store;
        var workload = new ClientWorkload(10, seed: 23, Keys, () => firstClient, recorder, stats, NemesisRun.ClientDeadline);
        workload.Start();
        await cluster.WaitUntilAsync(() => Task.FromResult(stats.Invoked >= 200), TimeSpan.FromSeconds(60), "200 operations from the first client");

        // Give up on the requests in flight (recorded indeterminate), then kill the client under them.
        await workload.StopAsync(TimeSpan.Zero);
        await cluster.Cluster.KillClientAsync();
        Assert.True(stats.Indeterminate >= 1, $"no request was in flight when the client was killed ({stats})");

        // A new client: the store converges and every check holds.
        await cluster.Cluster.InitializeClientAsync();
        var keys = Enumerable.Range(0, Keys).Select(WorkloadClient.KeyName).ToList();
        var verification = await EndOfRun.VerifyAsync(cluster, recorder, keys, NemesisRun.ClientDeadline);
        Assert.True(verification.Failures.Count == 0, string.Join("\n", verification.Failures) + "\n" + await cluster.DescribeAsync());
        Assert.Empty(stats.Unexpected);
        Assert.Equal(KvStatusCode.Ok, (await cluster.Store.PutAsync("after", "new client works")).Status);
    }
}
