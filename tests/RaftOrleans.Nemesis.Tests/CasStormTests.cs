using System.Diagnostics;
using System.Globalization;
using RaftOrleans.Grains;
using RaftOrleans.Nemesis.Tests.Checks;
using RaftOrleans.Nemesis.Tests.Harness;
using RaftOrleans.Testing.Cluster;
using RaftOrleans.Testing.History;
using Xunit;
using Xunit.Abstractions;

namespace RaftOrleans.Nemesis.Tests;

/// <summary>
/// Many clients racing compare-and-swap loops on one key while the leader's silo is killed and
/// restarted: retries through the gateway must apply each swap once, and no two swaps may both
/// succeed from the same value (a lost update).
/// </summary>
public sealed class CasStormTests(ITestOutputHelper output)
{
    private const string Key = "storm";
    private const int Stormers = 10;

    [Fact]
    public async Task A_storm_of_swaps_on_one_key_through_a_leader_kill_loses_no_update()
    {
        await using var cluster = await RaftTestCluster.StartAsync(new RaftTestClusterOptions
        {
            RequestTimeout = NemesisRun.RequestTimeout,
            ClientResponseTimeout = NemesisRun.ClientDeadline,
        });
        var leader = await cluster.WaitForLeaderAsync();
        var recorder = new HistoryRecorder();
        using var stop = new CancellationTokenSource();
        var storm = Enumerable.Range(1, Stormers).Select(i => Task.Run(() => StormAsync(cluster, recorder, i, stop.Token))).ToArray();

        var clock = Stopwatch.StartNew();
        await cluster.WaitUntilAsync(() => Task.FromResult(SuccessfulSwaps(recorder) >= 20), TimeSpan.FromSeconds(60), "20 successful swaps before the kill");
        Assert.True(await cluster.KillReplicaSiloAsync(leader.Replica));
        await cluster.WaitForLeaderAsync(excluding: leader.Replica);
        var beforeRestart = SuccessfulSwaps(recorder);
        await cluster.WaitUntilAsync(() => Task.FromResult(SuccessfulSwaps(recorder) >= beforeRestart + 20), TimeSpan.FromSeconds(60), "20 more swaps with the old leader down");
        Assert.True(await cluster.RestartReplicaSiloAsync(leader.Replica));
        await Task.Delay(TimeSpan.FromSeconds(2)); // the storm goes on while the old leader rejoins
        stop.Cancel();
        await Task.WhenAll(storm);

        var history = recorder.Snapshot();
        var swapsFrom = history.Where(op => op.Kind == HistoryOpKind.Cas && op.Outcome == HistoryOutcome.Ok)
            .GroupBy(op => op.ExpectedValue ?? "(absent)", StringComparer.Ordinal)
            .Where(g => g.Count() > 1)
            .Select(g => $"{g.Count()} swaps succeeded from \"{g.Key}\": {string.Join("; ", g)}")
            .ToList();
        Assert.True(swapsFrom.Count == 0, "lost updates:\n" + string.Join("\n", swapsFrom));

        var verification = await EndOfRun.VerifyAsync(cluster, recorder, [Key], NemesisRun.ClientDeadline);
        output.WriteLine(verification.Checker);
        Assert.True(verification.Failures.Count == 0, string.Join("\n", verification.Failures) + "\n" + await cluster.DescribeAsync());
        Assert.True(SuccessfulSwaps(recorder) >= 40, $"only {SuccessfulSwaps(recorder)} swaps succeeded in {clock.Elapsed.TotalSeconds:0} s");
    }

    private static int SuccessfulSwaps(HistoryRecorder recorder)
        => recorder.Snapshot().Count(op => op.Kind == HistoryOpKind.Cas && op.Outcome == HistoryOutcome.Ok);

    /// <summary>
    /// One stormer, a compare-and-swap loop: swap from the value it believes current to a unique
    /// value; a conflict answers the current value, which it tries next. After an unknown outcome it
    /// reads the key to learn where things stand.
    /// </summary>
    private static async Task StormAsync(RaftTestCluster cluster, HistoryRecorder recorder, int stormer, CancellationToken stop)
    {
        var process = stormer;
        string? current = null;
        for (var n = 1; !stop.IsCancellationRequested; n++)
        {
            var value = string.Create(CultureInfo.InvariantCulture, $"s{stormer}.{n}");
            var swap = recorder.Invoke(process, HistoryOpKind.Cas, Key, value, current);
            var condition = current is null ? CasCondition.NotExists() : CasCondition.ValueEquals(current);
            var answer = await CallAsync(() => cluster.Store.CompareAndSwapAsync(Key, condition, value));
            switch (answer?.Status)
            {
                case KvStatusCode.Ok:
                    recorder.Complete(swap, HistoryOutcome.Ok);
                    current = value;
                    continue;
                case KvStatusCode.CasConflict:
                    recorder.Complete(swap, HistoryOutcome.CasConflict, answer.Value);
                    current = answer.Value;
                    continue;
            }

            recorder.MarkIndeterminate(swap);
            process += 1000;
            var read = recorder.Invoke(process, HistoryOpKind.Get, Key);
            var got = await CallAsync(() => cluster.Store.GetAsync(Key));
            if (got?.Status is KvStatusCode.Ok or KvStatusCode.NotFound)
            {
                current = got.Status == KvStatusCode.Ok ? got.Value : null;
                recorder.Complete(read, got.Status == KvStatusCode.Ok ? HistoryOutcome.Ok : HistoryOutcome.NotFound, current);
            }
            else
            {
                recorder.MarkIndeterminate(read);
                process += 1000;
            }
        }
    }

    private static async Task<KvResponse?> CallAsync(Func<Task<KvResponse>> call)
    {
        try
        {
            var response = await call().WaitAsync(NemesisRun.ClientDeadline);
            return response.Status == KvStatusCode.Unavailable ? null : response;
        }
        catch (Exception)
        {
            return null; // timeout or a connection to the killed silo: the outcome is unknown
        }
    }
}
