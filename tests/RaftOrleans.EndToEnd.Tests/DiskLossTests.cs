using System.Diagnostics;
using RaftOrleans.Client.Connection;
using RaftOrleans.EndToEnd.Tests.Infrastructure;
using RaftOrleans.Grains;
using Xunit;
using Xunit.Abstractions;

namespace RaftOrleans.EndToEnd.Tests;

/// <summary>
/// Issue #13's disk-loss scenario on real silo processes, as a user ran it: a follower stalls
/// (SIGSTOP), writes are acknowledged by the leader and the other follower, that follower's data
/// directory is deleted (a replaced disk) and its silo started again under its old name, the leader
/// is killed, the stalled follower resumes. Before storage incarnations, the stale and the blank
/// replica elected a leader without the acknowledged writes (19 of 20 lost). Now the blank replica is
/// a stranger to the group: no leader is elected from the two, and once the old leader returns every
/// acknowledged write is there. The simulation's version is <c>DiskLossScenarioTests</c>.
/// </summary>
public sealed class DiskLossTests(ITestOutputHelper output) : IDisposable
{
    private const int AcknowledgedWrites = 20;

    /// <summary>Each call's deadline; the gateway itself gives up after its own 10 s request timeout.</summary>
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long the stale and the blank replica are watched once both run: many election timeouts
    /// (0.3–0.6 s each). It bounds an observation of something that must never happen, not a wait
    /// for something to happen.
    /// </summary>
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(15);

    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private ProcessCluster? _cluster;
    private SiloProcess? _paused;

    [Fact]
    public async Task A_replica_back_on_a_blank_disk_never_helps_elect_a_leader_that_lacks_acknowledged_writes()
    {
        ProcessCluster cluster = _cluster = await ProcessCluster.StartAsync();
        SiloProcess stalled = await cluster.HealthyFollowerAsync();
        IReadOnlyList<ReplicaView> before = await cluster.TryStatusAsync() ?? throw new InvalidOperationException("no status");
        SiloProcess leader = cluster.Silos.Single(s => s.Name == before.Single(r => r.Role == "Leader").Silo);
        SiloProcess wiped = cluster.Silos.Single(s => s != stalled && s != leader);
        Log($"leader {leader.Name}, stalled follower {stalled.Name}, follower whose disk is replaced {wiped.Name}");

        // 1. The follower stalls; the leader and the other follower acknowledge the writes.
        ProcessPause.Stop(stalled.ProcessId);
        _paused = stalled;
        var written = new Dictionary<string, KvResponse>();
        await using (RaftKeyValueClient client = await ConnectAsync(leader, wiped))
        {
            for (int i = 0; i < AcknowledgedWrites; i++)
            {
                string key = $"acked-{i}";
                KvResponse put = await client.Store.PutAsync(key, $"value-{i}");
                if (put.Status != KvStatusCode.Ok) Assert.Fail($"put {key}: {put}\n{await cluster.DescribeAsync()}");
                written[key] = put;
            }
        }
        Log($"{AcknowledgedWrites} writes acknowledged while {stalled.Name} was paused");

        // 2. The other follower's disk is replaced (killed, its data directory deleted), the leader is
        //    killed, the stalled follower resumes, and the replaced silo starts again under its old
        //    name: only the stale and the blank replica run. (The issue's user restarted the replaced
        //    silo before killing the leader; resuming the stalled one first keeps its pause short, far
        //    below what membership tolerates, and leaves the same two replicas.)
        wiped.Kill();
        Directory.Delete(Path.Combine(cluster.DataDirectory, wiped.Name), recursive: true);
        leader.Kill();
        ProcessPause.Continue(stalled.ProcessId);
        _paused = null;
        wiped.Start();
        Log($"{wiped.Name} killed and its data directory deleted, {leader.Name} killed, {stalled.Name} resumed, {wiped.Name} started again");
        await Eventually.UntilAsync(
            async () => (await cluster.TryStatusAsync() ?? []).Any(r => r.Silo == wiped.Name && r.Error is null),
            ProcessCluster.StartTimeout, $"{wiped.Name}'s replica answers status", cluster.DescribeAsync);
        Log($"{wiped.Name}'s replica is back on a blank disk");

        // 3. They must not elect a leader: its log would lack the acknowledged writes. Watched through
        //    both surviving gateways: no put is acknowledged, no read answers anything but the
        //    acknowledged value (Unavailable is the right answer), and status never shows a leader.
        var watch = Stopwatch.StartNew();
        int calls = 0;
        await using (RaftKeyValueClient client = await ConnectAsync(stalled, wiped))
        {
            while (watch.Elapsed < Window)
            {
                string[] keys = [.. written.Keys.Take(5)];
                Task<KvResponse> intruderCall = client.Store.PutAsync("written-without-a-quorum", $"attempt-{calls}");
                Task<KvResponse[]> readCalls = Task.WhenAll(keys.Select(k => client.Store.GetAsync(k)));
                KvResponse intruder = await intruderCall.WaitAsync(CallTimeout);
                KvResponse[] reads = await readCalls.WaitAsync(CallTimeout);
                calls += 1 + reads.Length;
                await cluster.AssertAsync(intruder.Status != KvStatusCode.Ok, $"a put was acknowledged by the stale and the blank replica: {intruder}");
                foreach ((string key, KvResponse got) in keys.Zip(reads))
                {
                    bool acceptable = got.Status == KvStatusCode.Unavailable
                        || (got.Status == KvStatusCode.Ok && got.Value == $"value-{key["acked-".Length..]}");
                    await cluster.AssertAsync(acceptable, $"read {key} answered {got} (acknowledged: {written[key]})");
                }
                IReadOnlyList<ReplicaView> status = await cluster.TryStatusAsync() ?? [];
                if (status.FirstOrDefault(r => r.Role == "Leader") is { } elected)
                {
                    Assert.Fail($"the stale and the blank replica elected a leader: {elected}\n{await cluster.DescribeAsync()}");
                }
            }
        }
        Log($"no leader and no wrong answer for {Window.TotalSeconds:0} s ({calls} calls through {stalled.Name} and {wiped.Name})");

        // 4. The old leader returns: the group has its recorded majority again and every acknowledged
        //    write is there, read linearizably.
        leader.Start();
        await cluster.WaitUntilServingAsync(ProcessCluster.StartTimeout);
        await using (RaftKeyValueClient client = await ConnectAsync(cluster.Silos.ToArray()))
        {
            foreach ((string key, KvResponse put) in written)
            {
                KvResponse got = await client.Store.GetAsync(key);
                await cluster.AssertAsync(got.Status == KvStatusCode.Ok && got.Value == $"value-{key["acked-".Length..]}" && got.Revision == put.Revision,
                    $"after {leader.Name} returned, {key} = {got} (acknowledged: {put})");
            }
            Assert.Equal(KvStatusCode.NotFound, (await client.Store.GetAsync("written-without-a-quorum")).Status);
            Assert.Equal(KvStatusCode.Ok, (await client.Store.PutAsync("after-the-return", "ok")).Status);
        }
        Log($"{leader.Name} back: all {AcknowledgedWrites} acknowledged writes read back");

        // 5. The blank replica is still not counted: the others drop its messages and say so, and it
        //    never catches up (the way back is remove + add, docs/disk-loss.md).
        await Eventually.UntilAsync(
            () => Task.FromResult(cluster.Silos.Where(s => s != wiped).Any(s => s.RecentOutput().Contains("from another incarnation of a voter", StringComparison.Ordinal))),
            TimeSpan.FromSeconds(60), "a recorded replica reports dropping the blank replica's messages", cluster.DescribeAsync);
        IReadOnlyList<ReplicaView> after = await cluster.TryStatusAsync() ?? throw new InvalidOperationException("no status");
        ReplicaView blank = after.Single(r => r.Silo == wiped.Name);
        Assert.True(blank.Commit == 0 && blank.Applied == 0, $"the blank replica caught up as if it were still a member: {blank}");
        Log($"{wiped.Name}'s replica stays out: {blank}");
    }

    private async Task<RaftKeyValueClient> ConnectAsync(params SiloProcess[] through)
    {
        RaftKeyValueClient client = await RaftKeyValueClient.ConnectAsync(LibrarySettings.Through(through, CallTimeout));
        Log($"client connected via {client.Endpoint}");
        return client;
    }

    private void Log(string message) => output.WriteLine($"[{_clock.Elapsed.TotalSeconds,6:0.0}s] {message}");

    /// <inheritdoc />
    public void Dispose()
    {
        if (_paused is { IsRunning: true } paused)
        {
            ProcessPause.Continue(paused.ProcessId);
        }
        _cluster?.Dispose();
    }
}
