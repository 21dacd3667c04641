using System.Diagnostics;
using RaftOrleans.Nemesis.Tests.Harness;
using RaftOrleans.Testing.Workload;
using RaftOrleans.Testing.Cluster;
using RaftOrleans.Testing.History;
using RaftOrleans.Testing.Linearizability;
using Xunit;
using Xunit.Abstractions;

namespace RaftOrleans.Nemesis.Tests.Regressions;

/// <summary>
/// Found by the nemesis (a "stop(random)" fault took 30 s): a graceful stop of the leader's silo
/// under write load hung for the whole host shutdown timeout. Orleans deactivates a grain only
/// once its running requests finish; the leader's pending proposals finish only when they commit,
/// which needs replies the deactivating activation no longer receives, and its timer no longer
/// ticks to step it down. The replica now reacts to the host stopping: it hands leadership away
/// and fails its waiters at once (the gateway retries them elsewhere under the same session).
/// </summary>
public sealed class GracefulLeaderStopTests(ITestOutputHelper output)
{
    /// <summary>Far below the 30 s shutdown timeout a hang runs into; a prompt stop takes 0.1–2 s here.</summary>
    private static readonly TimeSpan PromptStop = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Gracefully_stopping_the_leaders_silo_under_load_is_prompt_and_loses_nothing()
    {
        await using var cluster = await RaftTestCluster.StartAsync(new RaftTestClusterOptions
        {
            RequestTimeout = NemesisRun.RequestTimeout,
            ClientResponseTimeout = NemesisRun.ClientDeadline,
        });
        await cluster.WaitForLeaderAsync();
        var recorder = new HistoryRecorder();
        var stats = new WorkloadStats();
        var workload = new ClientWorkload(5, seed: 11, keys: 4, () => cluster.Store, recorder, stats, NemesisRun.ClientDeadline);
        workload.Start();

        for (var round = 1; round <= 3; round++)
        {
            // Let proposals pile up at the leader, so some are always in flight when the stop begins.
            var before = stats.Invoked;
            await cluster.WaitUntilAsync(() => Task.FromResult(stats.Invoked >= before + 100), TimeSpan.FromSeconds(60), "100 more operations");
            var leader = await cluster.WaitForLeaderAsync();
            var stop = Stopwatch.StartNew();
            Assert.True(await cluster.StopReplicaSiloAsync(leader.Replica));
            output.WriteLine($"round {round}: graceful stop of leader {leader.Replica} took {stop.ElapsedMilliseconds} ms");
            Assert.True(stop.Elapsed < PromptStop, $"graceful stop of the leader's silo took {stop.Elapsed.TotalSeconds:0.0} s\n{await cluster.DescribeAsync()}");
            Assert.True(await cluster.RestartReplicaSiloAsync(leader.Replica));
        }

        await workload.StopAsync(NemesisRun.ClientDeadline);
        Assert.Empty(stats.Unexpected);
        var result = LinearizabilityChecker.Check(recorder.Snapshot());
        Assert.True(result.Ok, result.Explanation);
        Assert.Empty(cluster.Ledger.Conflicts);
    }
}
