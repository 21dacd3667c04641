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
}

/// <summary>A sealed, immutable run of committed log entries.</summary>
[GenerateSerializer, Alias("raftkv.LogChunkState")]
public sealed class LogChunkState
{
    /// <summary>The entries, in index order.</summary>
    [Id(0)] public List<RaftEntryData> Entries { get; set; } = [];
}

/// <summary>A snapshot of the applied key-value state machine.</summary>
[GenerateSerializer, Alias("raftkv.StateMachineSnapshotState")]
public sealed class StateMachineSnapshotState
{
    /// <summary>The last log index the snapshot includes.</summary>
    [Id(0)] public long AppliedIndex { get; set; }
    /// <summary>The state machine's own encoding.</summary>
    [Id(1)] public byte[] Data { get; set; } = [];
}
