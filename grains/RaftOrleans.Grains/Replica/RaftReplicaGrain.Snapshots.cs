using System.Diagnostics;
using Orleans.Storage;
using RaftOrleans.Consensus;
using RaftOrleans.Grains.Diagnostics;
using RaftOrleans.KeyValue;

namespace RaftOrleans.Grains.Replica;

/// <summary>
/// Snapshots, compaction and InstallSnapshot on the replica's side. A snapshot is a delta of what
/// changed since the previous one: taken in the pump (O(changes)), WRITTEN in the background (the
/// pump never awaits it; at most one in flight). Once it is durable the pump compacts the log behind
/// it (<see cref="CompactionPolicy"/>). A snapshot from the leader is installed in the pump before the
/// batch's messages leave (the final acknowledgement depends on it, <see cref="Ready"/>).
/// </summary>
internal sealed partial class RaftReplicaGrain
{
    private Task _snapshotWrite = Task.CompletedTask;
    private long _lastSnapshotIndex;
    private long _snapshotsInstalled;

    /// <summary>Installs a snapshot received from the leader, durably (pump step 0).</summary>
    private async Task InstallSnapshotAsync(SnapshotImage image)
    {
        var started = Stopwatch.GetTimestamp();
        // Proposals at or below the snapshot fail (outcome unknown: the gateway retries under the
        // same session, and the session table in the snapshot applies each once).
        var machine = _requests.InstallSnapshot(image);
        await _store.InstallSnapshotAsync(image, machine, _snapshotWrite);
        _lastSnapshotIndex = image.Metadata.Index;
        _snapshotsInstalled++;
        _metrics.SnapshotInstalls.Add(1, _metricTags);
        Log.SnapshotInstalled(_logger, _name, image.Metadata.Index, image.Metadata.Term, image.Data.Length, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    /// <summary>
    /// After a round: compacts the log once a durable snapshot allows it, and starts the next
    /// snapshot when enough entries were applied and no snapshot write is in flight.
    /// </summary>
    private async Task SnapshotAndCompactAsync()
    {
        _store.ThrowIfBackgroundFailed();
        var memory = _store.Memory;
        var applied = StateMachine.AppliedIndex;
        if (CompactionPolicy.CompactTo(_store.DurableSnapshotIndex, applied, memory.LastIndex(), _options.TrailingEntries, memory.FirstIndex()) is { } to)
        {
            await _store.CompactAsync(to);
            _metrics.CompactionIndex.Record(to, _metricTags);
            Log.LogCompacted(_logger, _name, to, memory.FirstIndex());
        }

        if (!_snapshotWrite.IsCompleted || applied - _lastSnapshotIndex < _options.SnapshotEveryEntries) return;
        // The pump only captures what changed (one lookup per changed key); sorting and encoding
        // it, O(changes log changes), happens in the background: at 1M keys it held the pump ~20 ms.
        var taking = Stopwatch.GetTimestamp();
        var changes = StateMachine.CaptureChanges();
        var takeMs = Stopwatch.GetElapsedTime(taking).TotalMilliseconds;
        var term = memory.Term(applied);
        _lastSnapshotIndex = applied;
        _snapshotWrite = WriteSnapshotAsync(changes, term, takeMs);
    }

    /// <summary>Encodes and makes a delta durable in the background, then lets the pump compact behind it.</summary>
    /// <param name="changes">The delta (<see cref="KeyValueStateMachine.CaptureChanges"/>).</param>
    /// <param name="term">The term of the entry at the delta's applied index.</param>
    /// <param name="takeMs">How long capturing the changes held the pump.</param>
    private async Task WriteSnapshotAsync(StateChanges changes, long term, double takeMs)
    {
        var applied = changes.AppliedIndex;
        try
        {
            var started = Stopwatch.GetTimestamp();
            var parts = await Task.Run(() => changes.Encode(_options.SnapshotPartBytes));
            var before = _store.Writes;
            var merges = _store.Snapshots.Merges;
            await _store.Snapshots.WriteDeltaAsync(parts, applied, term);
            var bytes = parts.Sum(p => (long)p.Length);
            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            _metrics.StorageWrites.Add(_store.Writes - before, _metricTags);
            _metrics.SnapshotDuration.Record(elapsed / 1000, _metricTags);
            _metrics.SnapshotBytes.Record(bytes, _metricTags);
            if (_store.Snapshots.Merges > merges) _metrics.SnapshotMerges.Add(_store.Snapshots.Merges - merges, _metricTags);
            Log.SnapshotWritten(_logger, _name, applied, bytes, parts.Count, takeMs, elapsed, _store.Snapshots.Manifest.Generation);
            Kick(); // compaction may proceed now
        }
        catch (InconsistentStateException ex)
        {
            // The changes taken for this delta are gone from the tracking: no later delta may be
            // written on top of a missing one. Stop; a new activation starts from what is durable.
            Log.FailStopEtag(_logger, ex, _name);
            Stop("another activation of this replica wrote its storage");
        }
        catch (Exception ex)
        {
            Log.FailStopStorage(_logger, ex, _name);
            Stop("snapshot write failed");
        }
    }

    /// <summary>The live state machine (replaced by an install).</summary>
    private KeyValueStateMachine StateMachine => _requests.Machine;

    /// <summary>Lets a snapshot write in flight finish before the activation goes (it is not retried).</summary>
    private async Task AwaitSnapshotWriteAsync()
    {
        try
        {
            await _snapshotWrite;
            await _store.ChunkDeletes;
        }
        catch (Exception ex)
        {
            Log.FailStopStorage(_logger, ex, _name);
        }
    }
}
