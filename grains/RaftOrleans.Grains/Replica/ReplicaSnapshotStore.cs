using System.Globalization;
using RaftOrleans.KeyValue;

namespace RaftOrleans.Grains.Replica;

/// <summary>
/// The durable state machine snapshot of one replica, kept incrementally so that a snapshot costs
/// O(changes since the last one), not O(state). Rows (state names globally unique):
/// <list type="bullet">
/// <item><c>raftkv.manifest</c>: which rows make up the snapshot and the applied index they reach;</item>
/// <item><c>raftkv.sm.base.{g}.{n}</c>: base generation <c>g</c>, in parts of bounded size;</item>
/// <item><c>raftkv.sm.delta.{id}</c>: the keys and sessions changed between two snapshots;</item>
/// <item><c>raftkv.sm</c>: the one-row full snapshot written before manifests existed (generation 0).</item>
/// </list>
/// Order of writes, so that a crash anywhere leaves a consistent manifest-described state: new rows
/// first, the manifest (one atomic row write) last, rows it stopped naming deleted after. A row a
/// crash orphaned is either overwritten when its name is next used or listed as garbage and deleted.
/// When the deltas add up to more than the base (or to more than <see cref="MaxDeltaRows"/> rows),
/// a merge reads base + deltas back FROM STORAGE (not the live state, which has moved on), writes
/// them as the next generation and drops the old rows: each byte written as a delta is rewritten at
/// most once per merge, which happens after as many delta bytes as the base holds, so the cost per
/// write is amortized O(1). Not thread-safe: one writer (the replica) at a time, at most one write
/// in flight (the replica's pump enforces it).
/// </summary>
internal sealed class ReplicaSnapshotStore(ReplicaRows rows, int maxPartBytes)
{
    /// <summary>Row of the manifest.</summary>
    public const string ManifestName = "raftkv.manifest";

    /// <summary>Row of the pre-manifest full snapshot.</summary>
    public const string LegacyName = "raftkv.sm";

    /// <summary>
    /// Most delta rows before a merge, so that activation reads a bounded number of rows. The byte
    /// rule (deltas no larger than the base) bounds what activation reads; this bounds the row
    /// count. It was 64: at 1M keys (a 130 MB base, 1.2 MB deltas of 2 rows) that forced a merge,
    /// about 8 s of CPU on 2 cores, every 320,000 entries instead of every ~1M the byte rule allows.
    /// </summary>
    public const int MaxDeltaRows = 256;

    /// <summary>The manifest as durable (AppliedIndex 0 = no snapshot).</summary>
    public SnapshotManifestState Manifest { get; private set; } = new();

    /// <summary>Merges (new base generations) completed since load.</summary>
    public long Merges { get; private set; }

    internal static string BaseName(int generation, int part) =>
        string.Create(CultureInfo.InvariantCulture, $"raftkv.sm.base.{generation}.{part}");

    internal static string DeltaName(long id) => string.Create(CultureInfo.InvariantCulture, $"raftkv.sm.delta.{id}");

    /// <summary>
    /// Reads the manifest and the rows it names, and rebuilds the state machine they describe.
    /// A replica with no manifest but a pre-manifest <c>raftkv.sm</c> row starts from that row.
    /// </summary>
    public async Task<KeyValueStateMachine> LoadAsync(int maxSessions, int historyEvents = KeyValueStateMachine.DefaultHistoryEvents)
    {
        var manifest = await rows.ReadAsync<SnapshotManifestState>(ManifestName);
        if (manifest is null)
        {
            // Upgrade path: generation 0 is the old single row, if there is one.
            var legacy = await rows.ReadAsync<StateMachineSnapshotState>(LegacyName);
            manifest = legacy is { AppliedIndex: > 0 }
                ? new SnapshotManifestState { AppliedIndex = legacy.AppliedIndex, BaseBytes = legacy.Data.Length }
                : new SnapshotManifestState();
            Manifest = manifest;
            return legacy is { AppliedIndex: > 0 } ? KeyValueStateMachine.Restore(legacy.Data, historyEvents) : new KeyValueStateMachine(maxSessions, historyEvents);
        }
        Manifest = manifest;
        var parts = await ReadPartsAsync(manifest);
        var machine = KeyValueStateMachine.RestoreParts(parts, maxSessions, historyEvents);
        if (machine.AppliedIndex != manifest.AppliedIndex)
        {
            throw new InvalidOperationException($"The snapshot rows reach index {machine.AppliedIndex}, the manifest says {manifest.AppliedIndex}: storage is corrupt.");
        }
        return machine;
    }

    /// <summary>Whether the next write should be a merge (a new base generation).</summary>
    public bool MergeDue =>
        Manifest.Deltas.Count >= MaxDeltaRows || (Manifest.Deltas.Count > 0 && Manifest.DeltaBytes > Manifest.BaseBytes);

    /// <summary>
    /// Makes a delta (from <see cref="KeyValueStateMachine.TakeChanges"/>) durable: its rows, then a
    /// manifest naming them. Deletes the garbage the previous manifest listed, then merges if due.
    /// </summary>
    public async Task WriteDeltaAsync(IReadOnlyList<byte[]> parts, long appliedIndex, long term)
    {
        await CollectGarbageAsync();
        var next = Manifest.Clone();
        foreach (var part in parts)
        {
            var id = next.NextDeltaId++;
            await rows.WriteAsync(DeltaName(id), new SnapshotPartState { Data = part });
            next.Deltas.Add(id);
            next.DeltaBytes += part.Length;
        }
        next.AppliedIndex = appliedIndex;
        next.Term = term;
        await rows.WriteAsync(ManifestName, next);
        Manifest = next;
        if (MergeDue) await MergeAsync();
    }

    /// <summary>
    /// Writes <paramref name="machine"/> (a state installed from a leader's snapshot) as a new base
    /// generation and switches the manifest to it alone: O(state), once per install.
    /// </summary>
    public async Task WriteBaseAsync(KeyValueStateMachine machine, long term)
    {
        await CollectGarbageAsync();
        await SwitchToBaseAsync(machine.BaseParts(maxPartBytes), machine.AppliedIndex, term);
    }

    /// <summary>Deletes the rows the durable manifest lists as garbage, then forgets them.</summary>
    public async Task CollectGarbageAsync()
    {
        if (Manifest.Garbage.Count == 0) return;
        foreach (var name in Manifest.Garbage)
        {
            if (name == LegacyName) await rows.DeleteAsync<StateMachineSnapshotState>(name);
            else await rows.DeleteAsync<SnapshotPartState>(name);
        }
        // The garbage list is dropped from the manifest the next time it is written; deleting twice
        // after a crash is harmless (a missing row is skipped).
        var next = Manifest.Clone();
        next.Garbage.Clear();
        Manifest = next;
    }

    private async Task MergeAsync()
    {
        // From storage, not from the live state machine: the rows are exactly what the manifest
        // describes, while the live state has applied more entries since the delta was taken.
        var parts = await ReadPartsAsync(Manifest);
        // O(state) CPU (decode everything, encode it again): on the thread pool, because the
        // replica's scheduler runs the pump (at 1M keys this is about 100 MB each way).
        var baseParts = await Task.Run(() => KeyValueStateMachine.RestoreParts(parts).BaseParts(maxPartBytes));
        await SwitchToBaseAsync(baseParts, Manifest.AppliedIndex, Manifest.Term);
        Merges++;
        await CollectGarbageAsync();
    }

    private async Task SwitchToBaseAsync(IReadOnlyList<byte[]> baseParts, long appliedIndex, long term)
    {
        var old = Manifest;
        var generation = old.Generation + 1;
        long bytes = 0;
        for (var n = 0; n < baseParts.Count; n++)
        {
            await rows.WriteAsync(BaseName(generation, n), new SnapshotPartState { Data = baseParts[n] });
            bytes += baseParts[n].Length;
        }
        var next = new SnapshotManifestState
        {
            AppliedIndex = appliedIndex,
            Term = term,
            Generation = generation,
            BaseParts = baseParts.Count,
            BaseBytes = bytes,
            NextDeltaId = old.NextDeltaId,
            Garbage = [.. old.Garbage, .. RowsOf(old)],
        };
        await rows.WriteAsync(ManifestName, next);
        Manifest = next;
    }

    private static IEnumerable<string> RowsOf(SnapshotManifestState manifest)
    {
        if (manifest.Generation == 0)
        {
            if (manifest.BaseBytes > 0) yield return LegacyName;
        }
        else
        {
            for (var n = 0; n < manifest.BaseParts; n++) yield return BaseName(manifest.Generation, n);
        }
        foreach (var id in manifest.Deltas) yield return DeltaName(id);
    }

    private async Task<List<byte[]>> ReadPartsAsync(SnapshotManifestState manifest)
    {
        var parts = new List<byte[]>(manifest.BaseParts + manifest.Deltas.Count);
        if (manifest.Generation == 0)
        {
            // Generation 0 has a base only in a replica upgraded from the one-row format.
            if (manifest.BaseBytes > 0)
            {
                var legacy = await rows.ReadAsync<StateMachineSnapshotState>(LegacyName)
                    ?? throw new InvalidOperationException($"Snapshot row {LegacyName} named by the manifest is missing: storage is corrupt.");
                parts.Add(legacy.Data);
            }
        }
        else
        {
            for (var n = 0; n < manifest.BaseParts; n++) parts.Add(await ReadPartAsync(BaseName(manifest.Generation, n)));
        }
        foreach (var id in manifest.Deltas) parts.Add(await ReadPartAsync(DeltaName(id)));
        return parts;
    }

    private async Task<byte[]> ReadPartAsync(string name) =>
        (await rows.ReadAsync<SnapshotPartState>(name))?.Data
        ?? throw new InvalidOperationException($"Snapshot row {name} named by the manifest is missing: storage is corrupt.");
}
