using System.Net;
using System.Text.Json;
using RaftOrleans.EndToEnd.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace RaftOrleans.EndToEnd.Tests;

/// <summary>
/// <c>raftkv-silo run --health-port</c> on three real silo processes: <c>/livez</c>, <c>/readyz</c> and <c>/health</c>
/// answer 200 on a healthy cluster, <c>/metrics</c> (<c>Telemetry:Prometheus</c>) serves the tagged instruments; once two silos are killed, the survivor is still live but not ready (503, with
/// the reason), because its replica can no longer follow a leader.
/// </summary>
public sealed class HealthEndpointTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly int[] _healthPorts = FreePorts.Take(3);
    private ProcessCluster? _cluster;

    /// <inheritdoc />
    public async Task InitializeAsync()
        => _cluster = await ProcessCluster.StartAsync(
            siloArguments: ["--Telemetry:Prometheus=true"], argumentsOfSilo: i => ["--health-port", $"{_healthPorts[i - 1]}"]);

    /// <inheritdoc />
    public Task DisposeAsync()
    {
        _cluster?.Dispose();
        _http.Dispose();
        return Task.CompletedTask;
    }

    private async Task<(HttpStatusCode Status, string Body)> GetAsync(int silo, string path)
    {
        using HttpResponseMessage response = await _http.GetAsync($"http://127.0.0.1:{_healthPorts[silo - 1]}{path}");
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Every_silo_is_live_and_ready_and_a_silo_without_a_majority_is_live_but_not_ready()
    {
        ProcessCluster cluster = _cluster!;
        for (int silo = 1; silo <= 3; silo++)
        {
            var live = await GetAsync(silo, "/livez");
            Assert.True(live.Status == HttpStatusCode.OK && live.Body.StartsWith("raftkv-silo: Healthy: ", StringComparison.Ordinal), $"silo{silo} /livez: {live}");
            int index = silo;
            (HttpStatusCode, string) ready = (0, "");
            await Eventually.UntilAsync(async () => (ready = await GetAsync(index, "/readyz")).Item1 == HttpStatusCode.OK,
                Deadline, $"silo{silo} /readyz answers 200", async () => $"last /readyz: {ready}\n{await cluster.DescribeAsync()}");
            output.WriteLine($"silo{silo} /readyz: {ready.Item2.Trim()}");
            Assert.StartsWith("raftkv-replicas: Healthy: 1 replica(s) on silo", ready.Item2);
        }

        var health = await GetAsync(1, "/health");
        Assert.Equal(HttpStatusCode.OK, health.Status);
        using (JsonDocument report = JsonDocument.Parse(health.Body))
        {
            Assert.Equal("Healthy", report.RootElement.GetProperty("status").GetString());
            JsonElement[] checks = [.. report.RootElement.GetProperty("checks").EnumerateArray()];
            Assert.Equal(["raftkv-silo", "raftkv-replicas"], checks.Select(c => c.GetProperty("name").GetString()));
            string replica = checks[1].GetProperty("data").GetProperty("default/1").GetString()!;
            Assert.Matches("^(Leader|Follower) term=[0-9]+ leader=[1-3] commit=[0-9]+ applied=[0-9]+$", replica);
        }

        // The exporter counts what happens after it started (the health endpoint starts after the silo), so a counter
        // has a series only once something was counted since: write, then scrape until every series is there.
        await cluster.AssertAsync((await cluster.RunClientAsync("set", "metered", "v")).ExitCode == 0, "set metered");
        string[] series =
        [
            "raftkv_replica_commit_index", "raftkv_replica_applied_index", "raftkv_replica_term", "raftkv_replica_role",
            "raftkv_entries_applied_total", "raftkv_storage_write_duration_seconds_count",
        ];
        // Prometheus names: dots become underscores, counters end in _total, a histogram in seconds in _seconds.
        bool Has(string body, string name) => System.Text.RegularExpressions.Regex.IsMatch(body,
            $"(?m)^{name}{{otel_scope_name=\"RaftOrleans\",raftkv_group=\"default\",raftkv_replica=\"1\"}} [0-9]");
        (HttpStatusCode Status, string Body) metrics = (0, "");
        await Eventually.UntilAsync(async () => (metrics = await GetAsync(1, "/metrics")).Status == HttpStatusCode.OK && series.All(n => Has(metrics.Body, n)),
            Deadline, "silo1 /metrics has every RaftOrleans series of replica 1",
            () => Task.FromResult($"missing: {string.Join(", ", series.Where(n => !Has(metrics.Body, n)))}; last body:\n{metrics.Body}"));
        Assert.Contains("\norleans_", metrics.Body); // Orleans' own runtime meter is exported beside ours

        // Without a majority the survivor's replica loses its leader (a leader steps down by CheckQuorum).
        cluster.Silos[1].Kill();
        cluster.Silos[2].Kill();
        (HttpStatusCode, string) notReady = (0, "");
        await Eventually.UntilAsync(async () => (notReady = await GetAsync(1, "/readyz")).Item1 == HttpStatusCode.ServiceUnavailable,
            Deadline, "silo1 /readyz answers 503 without a majority", async () => $"last /readyz: {notReady}\n{await cluster.DescribeAsync()}");
        output.WriteLine($"silo1 /readyz after two kills: {notReady.Item2.Trim()}");
        Assert.StartsWith("raftkv-replicas: Unhealthy: default/1: ", notReady.Item2);
        var stillLive = await GetAsync(1, "/livez");
        Assert.Equal(HttpStatusCode.OK, stillLive.Status);
        var unhealthy = await GetAsync(1, "/health");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, unhealthy.Status);
    }
}
