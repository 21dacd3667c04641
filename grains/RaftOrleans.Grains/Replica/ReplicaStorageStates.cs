namespace RaftOrleans.Grains.Replica;

/// <summary>
/// The replica's head row: hard state plus the unsealed tail of the log. Rewritten once per ready
/// batch, so term, vote, commit and newly appended entries become durable in ONE storage write
/// (a half-written batch cannot exist).
/// </summary>
[GenerateSerializer, Alias("raftkv.ReplicaHeadState")]
public sealed class ReplicaHeadState
{
    /// <summary>Current term.</summary>
    [Id(0)] public long Term { get; set; }
    /// <summary>Vote in <see cref="Term"/> (0 = none).</summary>
    [Id(1)] public int Vote { get; set; }
    /// <summary>Commit index.</summary>
    [Id(2)] public long Commit { get; set; }
    /// <summary>Number of sealed chunks (rows <c>raftkv.log.{n}</c>, n = 0..SealedChunks-1).</summary>
    [Id(3)] public int SealedChunks { get; set; }
    /// <summary>Entries after the sealed chunks, in index order.</summary>
    [Id(4)] public List<RaftEntryData> Tail { get; set; } = [];
    /// <summary>The compaction point: the log holds no entry at or below it (0 = never compacted).</summary>
    [Id(5)] public long CompactIndex { get; set; }
    /// <summary>Term of the entry at <see cref="CompactIndex"/> (the log's dummy entry).</summary>
    [Id(6)] public long CompactTerm { get; set; }
    /// <summary>First chunk that still holds entries after the compaction point; chunks below it are
    /// garbage. A head row written before compaction existed reads 0 here.</summary>
    [Id(7)] public int FirstChunk { get; set; }
    /// <summary>Last log index of each chunk <see cref="FirstChunk"/>..<see cref="SealedChunks"/>-1, so
    /// compaction knows which chunks it covers without reading them. Empty in a head row written
    /// before compaction existed (learned at the next load).</summary>
    [Id(8)] public List<long> ChunkLastIndex { get; set; } = [];
    /// <summary>Chunks below this number are known to be deleted; those from here to
    /// <see cref="FirstChunk"/> may still exist (a crash interrupted their deletion).</summary>
    [Id(9)] public int ClearedChunksBelow { get; set; }
    /// <summary>This storage's incarnation (<see cref="Consensus.RaftConfig.Incarnation"/>): drawn when the storage is
    /// created blank and written before the replica sends anything. 0 in a row written before incarnations
    /// existed (one is drawn and written at the next load).</summary>
    [Id(10)] public long Incarnation { get; set; }
    /// <summary>Each voter's incarnation in the group configuration as of <see cref="CompactIndex"/> (parallel to
    /// the voter ids in order), so compacting away the configuration entry keeps it; empty when none.</summary>
    [Id(11)] public List<long> CompactIncarnations { get; set; } = [];
    /// <summary>The whole group configuration as of <see cref="CompactIndex"/> (a configuration entry's payload:
    /// voters, learners, incarnations, silos); empty when none, or in a row written before it was recorded.</summary>
    [Id(12)] public byte[] CompactConfiguration { get; set; } = [];
}

/// <summary>A sealed, immutable run of committed log entries.</summary>
[GenerateSerializer, Alias("raftkv.LogChunkState")]
public sealed class LogChunkState
{
    /// <summary>The entries, in index order.</summary>
    [Id(0)] public List<RaftEntryData> Entries { get; set; } = [];
}

/// <summary>A full snapshot of the applied key-value state machine in one row: the format before
/// incremental snapshots (row <c>raftkv.sm</c>). Still read as generation 0 of an upgraded replica.</summary>
[GenerateSerializer, Alias("raftkv.StateMachineSnapshotState")]
public sealed class StateMachineSnapshotState
{
    /// <summary>The last log index the snapshot includes.</summary>
    [Id(0)] public long AppliedIndex { get; set; }
    /// <summary>The state machine's own encoding.</summary>
    [Id(1)] public byte[] Data { get; set; } = [];
}

/// <summary>
/// The snapshot manifest (row <c>raftkv.manifest</c>): which rows make up the durable state machine
/// snapshot. Written last, in one row write, after every row it names; rows it no longer names are
/// deleted only after it is written, so a crash anywhere leaves a state it fully describes.
/// </summary>
[GenerateSerializer, Alias("raftkv.SnapshotManifestState")]
public sealed class SnapshotManifestState
{
    /// <summary>The applied index the snapshot (base + deltas) describes (0 = no snapshot).</summary>
    [Id(0)] public long AppliedIndex { get; set; }
    /// <summary>Term of the entry at <see cref="AppliedIndex"/>.</summary>
    [Id(1)] public long Term { get; set; }
    /// <summary>Base generation: rows <c>raftkv.sm.base.{g}.{n}</c>. 0 = the pre-manifest row
    /// <c>raftkv.sm</c> (or nothing, if that row does not exist).</summary>
    [Id(2)] public int Generation { get; set; }
    /// <summary>Number of base part rows of <see cref="Generation"/>.</summary>
    [Id(3)] public int BaseParts { get; set; }
    /// <summary>Bytes in the base parts.</summary>
    [Id(4)] public long BaseBytes { get; set; }
    /// <summary>Delta rows (<c>raftkv.sm.delta.{id}</c>) applied on top of the base, oldest first.</summary>
    [Id(5)] public List<long> Deltas { get; set; } = [];
    /// <summary>Bytes in the delta rows.</summary>
    [Id(6)] public long DeltaBytes { get; set; }
    /// <summary>Id of the next delta row to write.</summary>
    [Id(7)] public long NextDeltaId { get; set; }
    /// <summary>Rows this manifest no longer needs and that may still exist: deleted after this
    /// manifest is written, forgotten with the next manifest write.</summary>
    [Id(8)] public List<string> Garbage { get; set; } = [];

    /// <summary>A copy to modify before writing (the durable one stays as it was until the write ends).</summary>
    public SnapshotManifestState Clone() => new()
    {
        AppliedIndex = AppliedIndex, Term = Term, Generation = Generation, BaseParts = BaseParts, BaseBytes = BaseBytes,
        Deltas = [.. Deltas], DeltaBytes = DeltaBytes, NextDeltaId = NextDeltaId, Garbage = [.. Garbage],
    };
}

/// <summary>One bounded row of a state machine snapshot: a base part or a delta part.</summary>
[GenerateSerializer, Alias("raftkv.SnapshotPartState")]
public sealed class SnapshotPartState
{
    /// <summary>The part's encoding (see KeyValueStateMachine.TakeChanges / BaseParts).</summary>
    [Id(0)] public byte[] Data { get; set; } = [];
}
