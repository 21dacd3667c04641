using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using RaftOrleans.Consensus;
using RaftOrleans.Grains.Replica;

namespace RaftOrleans.Grains.Diagnostics;

/// <summary>
/// Instruments of the Raft key-value store (meter <see cref="MeterName"/>), named and measured as OpenTelemetry's
/// conventions ask: dotted lower-case names, durations in seconds, sizes in bytes. Replica instruments carry the
/// tags <c>raftkv.group</c> and <c>raftkv.replica</c>, gateway instruments <c>raftkv.group</c>. The gauges report
/// each replica active on this silo from what it last published (<see cref="Publish"/>). docs/telemetry.md lists
/// every instrument.
/// </summary>
public sealed class RaftMetrics : IDisposable
{
    /// <summary>The meter name to subscribe to (dotnet-counters, OpenTelemetry).</summary>
    public const string MeterName = "RaftOrleans";

    /// <summary>Tag naming a Raft group.</summary>
    public const string GroupTag = "raftkv.group";

    /// <summary>Tag naming a replica id.</summary>
    public const string ReplicaTag = "raftkv.replica";

    /// <summary>Tag naming a follower of a leader (on the follower gauges).</summary>
    public const string FollowerTag = "raftkv.follower";

    private readonly Meter _meter;
    private readonly ConcurrentDictionary<ReplicaKey, ReplicaGauges> _replicas = new();

    /// <summary>Creates the instruments.</summary>
    public RaftMetrics(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(MeterName);
        StorageWrites = _meter.CreateCounter<long>("raftkv.storage.writes", unit: "{write}", description: "Storage writes by replicas");
        ReadyBatches = _meter.CreateCounter<long>("raftkv.ready.batches", unit: "{batch}", description: "Ready batches processed");
        EntriesApplied = _meter.CreateCounter<long>("raftkv.entries.applied", unit: "{entry}", description: "Log entries applied to state machines");
        Elections = _meter.CreateCounter<long>("raftkv.leader.changes", unit: "{change}", description: "Times a replica became leader");
        GatewayRetries = _meter.CreateCounter<long>("raftkv.gateway.retries", unit: "{attempt}", description: "Gateway attempts beyond the first");
        GatewayUnavailable = _meter.CreateCounter<long>("raftkv.gateway.unavailable", unit: "{request}", description: "Requests answered 'unavailable'");
        StorageWriteDuration = _meter.CreateHistogram<double>("raftkv.storage.write.duration", unit: "s", description: "Duration of a ready batch's storage write",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
        SnapshotDuration = _meter.CreateHistogram<double>("raftkv.snapshot.duration", unit: "s", description: "Duration of a background state-machine snapshot write (delta, and merge when due)");
        SnapshotBytes = _meter.CreateHistogram<long>("raftkv.snapshot.size", unit: "By", description: "Bytes of a state-machine snapshot delta");
        SnapshotMerges = _meter.CreateCounter<long>("raftkv.snapshot.merges", unit: "{merge}", description: "Snapshot base generations rewritten from base + deltas");
        CompactionIndex = _meter.CreateHistogram<long>("raftkv.log.compaction.index", unit: "{index}", description: "Index a replica compacted its log to (one sample per compaction)");
        SnapshotInstalls = _meter.CreateCounter<long>("raftkv.snapshot.installs", unit: "{snapshot}", description: "Snapshots installed from a leader (InstallSnapshot)");

        _meter.CreateObservableGauge("raftkv.replica.term", () => Each(g => g.Term), unit: "{term}", description: "A replica's current term");
        _meter.CreateObservableGauge("raftkv.replica.role", () => Each(g => g.Role), description: "A replica's role: 0 follower, 1 pre-candidate, 2 candidate, 3 leader, 4 learner, 5 stopped");
        _meter.CreateObservableGauge("raftkv.replica.leader", () => Each(g => g.Leader), description: "The leader's replica id as a replica knows it (0: none known)");
        _meter.CreateObservableGauge("raftkv.replica.commit.index", () => Each(g => g.Commit), unit: "{index}", description: "A replica's commit index");
        _meter.CreateObservableGauge("raftkv.replica.applied.index", () => Each(g => g.Applied), unit: "{index}", description: "A replica's applied index");
        _meter.CreateObservableGauge("raftkv.replica.log.entries", () => Each(g => g.LastIndex - g.FirstIndex + 1), unit: "{entry}", description: "Entries held in a replica's log (after compaction)");
        _meter.CreateObservableGauge("raftkv.replica.snapshot.index", () => Each(g => g.SnapshotIndex), unit: "{index}", description: "Index of a replica's durable state-machine snapshot");
        _meter.CreateObservableGauge("raftkv.replica.follower.match.index", () => Followers((g, match) => match), unit: "{index}", description: "On a leader: each follower's match index");
        _meter.CreateObservableGauge("raftkv.replica.follower.lag", () => Followers((g, match) => Math.Max(0, g.LastIndex - match)), unit: "{entry}", description: "On a leader: entries each follower is behind the leader's last index");
    }

    /// <summary>Storage writes.</summary>
    public Counter<long> StorageWrites { get; }
    /// <summary>Ready batches.</summary>
    public Counter<long> ReadyBatches { get; }
    /// <summary>Entries applied.</summary>
    public Counter<long> EntriesApplied { get; }
    /// <summary>Leadership acquisitions.</summary>
    public Counter<long> Elections { get; }
    /// <summary>Gateway retries.</summary>
    public Counter<long> GatewayRetries { get; }
    /// <summary>Gateway "unavailable" answers.</summary>
    public Counter<long> GatewayUnavailable { get; }
    /// <summary>Storage write duration, in seconds.</summary>
    public Histogram<double> StorageWriteDuration { get; }
    /// <summary>Background snapshot write duration, in seconds.</summary>
    public Histogram<double> SnapshotDuration { get; }
    /// <summary>Snapshot delta size.</summary>
    public Histogram<long> SnapshotBytes { get; }
    /// <summary>Snapshot merges.</summary>
    public Counter<long> SnapshotMerges { get; }
    /// <summary>Log compaction points.</summary>
    public Histogram<long> CompactionIndex { get; }
    /// <summary>Snapshot installs.</summary>
    public Counter<long> SnapshotInstalls { get; }

    /// <summary>The tags of <paramref name="replica"/>'s instruments (create once per replica and reuse).</summary>
    public static KeyValuePair<string, object?>[] TagsOf(ReplicaKey replica) =>
        [new(GroupTag, replica.Group), new(ReplicaTag, replica.Index)];

    /// <summary>The tags of a gateway's instruments for <paramref name="group"/>.</summary>
    public static KeyValuePair<string, object?>[] TagsOf(string group) => [new(GroupTag, group)];

    /// <summary>The number <see cref="ReplicaGauges.Role"/> gives a replica: 5 when stopped, 4 when it does not vote
    /// (a learner, or not a member), else its Raft role.</summary>
    public static int RoleCode(StateRole role, bool voter, bool stopped) => stopped ? 5 : !voter ? 4 : role switch
    {
        StateRole.Follower => 0,
        StateRole.PreCandidate => 1,
        StateRole.Candidate => 2,
        _ => 3,
    };

    /// <summary>Replaces what the gauges report for <paramref name="replica"/>.</summary>
    public void Publish(ReplicaKey replica, ReplicaGauges gauges) => _replicas[replica] = gauges;

    /// <summary>Stops reporting <paramref name="replica"/> (it deactivated).</summary>
    public void Forget(ReplicaKey replica) => _replicas.TryRemove(replica, out _);

    private IEnumerable<Measurement<long>> Each(Func<ReplicaGauges, long> value) =>
        _replicas.Values.Select(g => new Measurement<long>(value(g), g.Tags));

    private IEnumerable<Measurement<long>> Followers(Func<ReplicaGauges, long, long> value) =>
        _replicas.Values.SelectMany(g => g.Followers.Select(f =>
            new Measurement<long>(value(g, f.Match), [.. g.Tags, new(FollowerTag, f.Follower)])));

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}
