using System.Diagnostics.Metrics;

namespace RaftOrleans.Grains.Diagnostics;

/// <summary>Meters of the Raft key-value store (meter name <see cref="MeterName"/>).</summary>
public sealed class RaftMetrics : IDisposable
{
    /// <summary>The meter name to subscribe to (dotnet-counters, OpenTelemetry).</summary>
    public const string MeterName = "RaftOrleans";

    private readonly Meter _meter;

    /// <summary>Creates the instruments.</summary>
    public RaftMetrics(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(MeterName);
        StorageWrites = _meter.CreateCounter<long>("raftkv.storage.writes", description: "Storage writes by replicas");
        ReadyBatches = _meter.CreateCounter<long>("raftkv.ready.batches", description: "Ready batches processed");
        EntriesApplied = _meter.CreateCounter<long>("raftkv.entries.applied", description: "Log entries applied to state machines");
        Elections = _meter.CreateCounter<long>("raftkv.leader.changes", description: "Times a replica became leader");
        GatewayRetries = _meter.CreateCounter<long>("raftkv.gateway.retries", description: "Gateway attempts beyond the first");
        GatewayUnavailable = _meter.CreateCounter<long>("raftkv.gateway.unavailable", description: "Requests answered 'unavailable'");
        StorageWriteDuration = _meter.CreateHistogram<double>("raftkv.storage.write.duration", unit: "ms", description: "Duration of a ready batch's storage write");
        SnapshotDuration = _meter.CreateHistogram<double>("raftkv.snapshot.duration", unit: "ms", description: "Duration of a background state-machine snapshot write (delta, and merge when due)");
        SnapshotBytes = _meter.CreateHistogram<long>("raftkv.snapshot.size", unit: "By", description: "Bytes of a state-machine snapshot delta");
        SnapshotMerges = _meter.CreateCounter<long>("raftkv.snapshot.merges", description: "Snapshot base generations rewritten from base + deltas");
        CompactionIndex = _meter.CreateHistogram<long>("raftkv.log.compaction.index", description: "Index a replica compacted its log to (one sample per compaction)");
        SnapshotInstalls = _meter.CreateCounter<long>("raftkv.snapshot.installs", description: "Snapshots installed from a leader (InstallSnapshot)");
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
    /// <summary>Storage write duration.</summary>
    public Histogram<double> StorageWriteDuration { get; }
    /// <summary>Background snapshot write duration.</summary>
    public Histogram<double> SnapshotDuration { get; }
    /// <summary>Snapshot delta size.</summary>
    public Histogram<long> SnapshotBytes { get; }
    /// <summary>Snapshot merges.</summary>
    public Counter<long> SnapshotMerges { get; }
    /// <summary>Log compaction points.</summary>
    public Histogram<long> CompactionIndex { get; }
    /// <summary>Snapshot installs.</summary>
    public Counter<long> SnapshotInstalls { get; }

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}
