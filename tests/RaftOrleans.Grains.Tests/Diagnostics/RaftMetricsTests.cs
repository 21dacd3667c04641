using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using RaftOrleans.Grains.Diagnostics;
using RaftOrleans.Testing.Cluster;
using Xunit;

namespace RaftOrleans.Grains.Tests.Diagnostics;

/// <summary>
/// The RaftOrleans meter on test silos, read with a <see cref="MeterListener"/> as an exporter would: every replica
/// reports its term, role, commit and applied index under its group and replica tags, the leader reports each
/// follower's match index and lag, counters carry the same tags, and durations are in seconds.
/// </summary>
public sealed class RaftMetricsTests
{
    private sealed class Recorder : IDisposable
    {
        private readonly MeterListener _listener = new();

        public Recorder()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == RaftMetrics.MeterName) listener.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
            _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
            _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Record(i, v, tags));
            _listener.Start();
        }

        public ConcurrentQueue<(string Name, string? Unit, double Value, Dictionary<string, object?> Tags)> Seen { get; } = new();

        public void Observe() => _listener.RecordObservableInstruments();

        private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var copy = new Dictionary<string, object?>();
            foreach (var tag in tags) copy[tag.Key] = tag.Value;
            Seen.Enqueue((instrument.Name, instrument.Unit, value, copy));
        }

        public void Dispose() => _listener.Dispose();
    }

    [Fact]
    public async Task Replicas_report_tagged_gauges_the_leader_reports_follower_lag_and_counters_carry_the_tags()
    {
        using var recorder = new Recorder();
        await using var cluster = await RaftTestCluster.StartAsync(new RaftTestClusterOptions());
        var leader = await cluster.WaitForLeaderAsync();
        for (int i = 0; i < 10; i++) Assert.True((await cluster.Store.PutAsync("k" + i.ToString(CultureInfo.InvariantCulture), "v")).IsOk);
        long commit = (await cluster.Replica(leader.Replica).GetStatus()).Commit;

        // Gauges are published from each replica's timer at most every 250 ms: observe until every replica has caught up.
        await cluster.WaitUntilAsync(() =>
        {
            recorder.Seen.Clear();
            recorder.Observe();
            var applied = recorder.Seen.Where(m => m.Name == "raftkv.replica.applied.index").ToList();
            return Task.FromResult(new[] { 1, 2, 3 }.All(r => applied.Any(m => Equals(m.Tags[RaftMetrics.ReplicaTag], r) && m.Value >= commit)));
        }, TimeSpan.FromSeconds(30), $"every replica's applied-index gauge reaches {commit}");

        var seen = recorder.Seen.ToList();
        foreach (var name in new[] { "raftkv.replica.term", "raftkv.replica.role", "raftkv.replica.leader", "raftkv.replica.commit.index", "raftkv.replica.log.entries", "raftkv.replica.snapshot.index" })
        {
            var byReplica = seen.Where(m => m.Name == name).Select(m => (m.Tags[RaftMetrics.GroupTag], m.Tags[RaftMetrics.ReplicaTag])).ToHashSet();
            Assert.True(byReplica.SetEquals([("default", 1), ("default", 2), ("default", 3)]), $"{name}: {string.Join(", ", byReplica)}");
        }
        var roles = seen.Where(m => m.Name == "raftkv.replica.role").ToDictionary(m => (int)m.Tags[RaftMetrics.ReplicaTag]!, m => m.Value);
        Assert.Equal(3, roles[leader.Replica]);
        Assert.All(roles.Where(r => r.Key != leader.Replica), r => Assert.Equal(0, r.Value));
        Assert.All(seen.Where(m => m.Name == "raftkv.replica.leader"), m => Assert.Equal(leader.Replica, m.Value));

        var lag = seen.Where(m => m.Name == "raftkv.replica.follower.lag").ToList();
        Assert.Equal(new[] { 1, 2, 3 }.Where(r => r != leader.Replica).ToHashSet(), lag.Select(m => (int)m.Tags[RaftMetrics.FollowerTag]!).ToHashSet());
        Assert.All(lag, m => Assert.Equal(leader.Replica, m.Tags[RaftMetrics.ReplicaTag]));

        // Counters and histograms are measured as they happen: write again and look at those.
        recorder.Seen.Clear();
        for (int i = 0; i < 3; i++) Assert.True((await cluster.Store.PutAsync("more" + i.ToString(CultureInfo.InvariantCulture), "v")).IsOk);
        seen = [.. recorder.Seen];
        var applied = seen.Where(m => m.Name == "raftkv.entries.applied").ToList();
        Assert.NotEmpty(applied);
        Assert.All(applied, m => Assert.Equal("default", m.Tags[RaftMetrics.GroupTag]));
        var writes = seen.Where(m => m.Name == "raftkv.storage.write.duration").ToList();
        Assert.NotEmpty(writes);
        Assert.All(writes, m => Assert.Equal("s", m.Unit));
        Assert.All(writes, m => Assert.InRange(m.Value, 0, 30)); // seconds, not milliseconds
    }
}
