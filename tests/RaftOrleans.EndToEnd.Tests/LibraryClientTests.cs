using System.Diagnostics;
using RaftOrleans.Client.Connection;
using RaftOrleans.EndToEnd.Tests.Infrastructure;
using RaftOrleans.Grains;
using Xunit;
using Xunit.Abstractions;

namespace RaftOrleans.EndToEnd.Tests;

/// <summary>
/// Issue #12, library side: <see cref="RaftKeyValueClient"/>, used in this test process as application
/// code would use it, reaches a live gateway within its deadline whichever listed gateways are dead
/// (SIGKILL) or paused (SIGSTOP), and fails within the deadline naming every gateway when none answers.
/// </summary>
public sealed class LibraryClientTests(ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>
    /// The connect deadline (and per-call timeout) where connecting must succeed: generous, because
    /// these tests share 2 cores with other work; the point is that it connects, not how fast.
    /// </summary>
    private static readonly TimeSpan SuccessTimeout = TimeSpan.FromSeconds(20);

    /// <summary>The connect deadline where nothing can answer: long enough for every gateway to be tried on a loaded machine.</summary>
    private static readonly TimeSpan FailureTimeout = TimeSpan.FromSeconds(8);

    /// <summary>
    /// What ConnectAsync may take beyond its deadline: the race notices the deadline on a thread-pool
    /// timer and stops the losing clients in the background, so only scheduling delay on a loaded
    /// machine is added.
    /// </summary>
    private static readonly TimeSpan Allowance = TimeSpan.FromSeconds(2.5);

    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<SiloProcess> _paused = [];
    private ProcessCluster? _cluster;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        // Resume before killing: a stopped process would not act on anything else first.
        foreach (SiloProcess silo in _paused.Where(s => s.IsRunning))
        {
            ProcessPause.Continue(silo.ProcessId);
        }
        _cluster?.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Fresh_clients_connect_through_the_live_gateway_while_one_listed_silo_is_paused_and_another_killed()
    {
        // Four silos, three replicas (on silo1..silo3): pausing a follower and killing silo4, which
        // hosts no replica, leaves the group a majority, so the writes can succeed. With three silos
        // one paused and one killed would leave no majority and only connecting could be tested.
        ProcessCluster cluster = await StartClusterAsync(4);
        await WarmUpEveryGatewayAsync(cluster);
        SiloProcess paused = await cluster.HealthyFollowerAsync();
        SiloProcess killed = cluster.Silos.Single(s => s.Index == 4);
        SiloProcess live = cluster.Silos.First(s => s != paused && s != killed);
        Pause(paused);
        killed.Kill();
        Log($"paused {paused.Name} (a follower, gateway {LibrarySettings.Gateway(paused)}), killed {killed.Name} (no replica, gateway {LibrarySettings.Gateway(killed)}); live: {live.Name} ({LibrarySettings.Gateway(live)})");
        ConnectionSettings settings = LibrarySettings.Through([paused, killed, live], SuccessTimeout);

        // The race orders the gateways at random, so over six fresh clients the paused and the
        // killed gateway are each raced first several times.
        for (int i = 0; i < 6; i++)
        {
            var connecting = Stopwatch.StartNew();
            await using RaftKeyValueClient client = await RaftKeyValueClient.ConnectAsync(settings);
            TimeSpan connected = connecting.Elapsed;
            Log($"client {i}: connected in {connected.TotalMilliseconds:0} ms via {client.Endpoint}: {client.Report}");
            Assert.Equal(LibrarySettings.Gateway(live), client.Endpoint);
            Assert.True(connected < SuccessTimeout + Allowance, $"connecting took {connected.TotalMilliseconds:0} ms (deadline {SuccessTimeout.TotalSeconds:0} s): {client.Report}");
            Assert.False(client.IsLost);
            IReadOnlyDictionary<int, string> report = GatewayReport.ParseEntries(client.Report);
            Assert.Equal(new[] { paused, killed, live }.Select(s => s.GatewayPort).Order(), report.Keys.Order());
            Assert.Matches(@"^ok in \d+ ms$", report[live.GatewayPort]);
            Assert.Matches(GatewayReport.NotServedPattern, report[paused.GatewayPort]);
            Assert.Matches(GatewayReport.KilledPattern, report[killed.GatewayPort]);

            string key = $"library-{i}";
            var calls = Stopwatch.StartNew();
            KvResponse put = await client.Store.PutAsync(key, $"value-{i}");
            TimeSpan putTook = calls.Elapsed;
            KvResponse get = await client.Store.GetAsync(key);
            TimeSpan getTook = calls.Elapsed - putTook;
            await AssertOkAsync(cluster, put, $"put {key}");
            Assert.True(put.Revision > 0, $"put {key}: {put}");
            await AssertOkAsync(cluster, get, $"get {key}");
            Assert.Equal($"value-{i}", get.Value);
            Assert.Equal(put.Revision, get.Revision);
            Log($"client {i}: put {key} in {putTook.TotalMilliseconds:0} ms, linearizable get in {getTook.TotalMilliseconds:0} ms");
        }
    }

    [Fact]
    public async Task Connecting_fails_within_the_deadline_naming_every_gateway_when_every_listed_silo_is_paused_or_dead()
    {
        ProcessCluster cluster = await StartClusterAsync(3);
        SiloProcess killed = cluster.Silos[0];
        SiloProcess[] paused = [cluster.Silos[1], cluster.Silos[2]];
        killed.Kill();
        foreach (SiloProcess silo in paused)
        {
            Pause(silo);
        }
        Log($"killed {killed.Name} ({LibrarySettings.Gateway(killed)}), paused {string.Join(", ", paused.Select(s => $"{s.Name} ({LibrarySettings.Gateway(s)})"))}");
        ConnectionSettings settings = LibrarySettings.Through(cluster.Silos, FailureTimeout);

        for (int i = 0; i < 2; i++)
        {
            var connecting = Stopwatch.StartNew();
            ClusterUnavailableException e = await Assert.ThrowsAsync<ClusterUnavailableException>(() => RaftKeyValueClient.ConnectAsync(settings));
            TimeSpan failed = connecting.Elapsed;
            Log($"attempt {i}: failed after {failed.TotalMilliseconds:0} ms: {e.Message}");
            Assert.True(failed < FailureTimeout + Allowance, $"failing took {failed.TotalMilliseconds:0} ms (deadline {FailureTimeout.TotalSeconds:0} s): {e.Message}");
            // A paused gateway can never be ruled out, so the race must use its whole deadline (the
            // half-second margin is the timer's granularity, not a tolerance for giving up early).
            Assert.True(failed > FailureTimeout - TimeSpan.FromSeconds(0.5), $"gave up after {failed.TotalMilliseconds:0} ms, before the deadline: {e.Message}");
            string prefix = $"no silo reachable within {FailureTimeout.TotalSeconds:0}s via --gateway: ";
            Assert.StartsWith(prefix, e.Message);
            IReadOnlyDictionary<int, string> report = GatewayReport.ParseEntries(e.Message[prefix.Length..]);
            Assert.Equal(cluster.Silos.Select(s => s.GatewayPort).Order(), report.Keys.Order());
            foreach (SiloProcess silo in cluster.Silos)
            {
                Assert.Contains($"{LibrarySettings.Gateway(silo)} ", e.Message);
            }
            // Under load a gateway may not have had its turn yet when the deadline passed.
            Assert.Matches(@"^(refused.*|not tried)$", report[killed.GatewayPort]);
            foreach (SiloProcess silo in paused)
            {
                Assert.Matches(@"^(timed out \(connection accepted, .+\)|not tried)$", report[silo.GatewayPort]);
            }
        }
    }

    private async Task<ProcessCluster> StartClusterAsync(int silos)
    {
        _cluster = await ProcessCluster.StartAsync(silos);
        Log($"{silos} silos serving");
        return _cluster;
    }

    private void Pause(SiloProcess silo)
    {
        ProcessPause.Stop(silo.ProcessId);
        _paused.Add(silo);
    }

    /// <summary>Every silo's gateway serves one write before the faults, so each has its routes to the replicas cached.</summary>
    private async Task WarmUpEveryGatewayAsync(ProcessCluster cluster)
    {
        foreach (SiloProcess silo in cluster.Silos)
        {
            await using RaftKeyValueClient client = await RaftKeyValueClient.ConnectAsync(LibrarySettings.Through([silo], SuccessTimeout));
            await AssertOkAsync(cluster, await client.Store.PutAsync($"warm-{silo.Name}", "x"), $"warm-up through {silo.Name}");
        }
    }

    /// <summary>Fails unless <paramref name="response"/> is Ok; only then asks the cluster for its state (a <c>raftkv status</c> process).</summary>
    private static async Task AssertOkAsync(ProcessCluster cluster, KvResponse response, string what)
    {
        if (response.Status != KvStatusCode.Ok)
        {
            Assert.Fail($"{what}: {response}\n{await cluster.DescribeAsync()}");
        }
    }

    private void Log(string message) => output.WriteLine($"[{_clock.Elapsed.TotalSeconds,6:0.0}s] {message}");
}
