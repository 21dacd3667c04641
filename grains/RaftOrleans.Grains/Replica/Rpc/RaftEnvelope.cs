namespace RaftOrleans.Grains;

/// <summary>
/// A Raft message on the wire between replica grains: a flat, serializable mirror of the consensus
/// core's message (which knows nothing of Orleans).
/// </summary>
[GenerateSerializer, Immutable, Alias("raftkv.RaftEnvelope")]
public sealed record RaftEnvelope
{
    [Id(0)] public byte Type { get; init; }
    [Id(1)] public int From { get; init; }
    [Id(2)] public int To { get; init; }
    [Id(3)] public long Term { get; init; }
    [Id(4)] public long LogTerm { get; init; }
    [Id(5)] public long Index { get; init; }
    [Id(6)] public RaftEntryData[] Entries { get; init; } = [];
    [Id(7)] public long Commit { get; init; }
    [Id(8)] public bool Reject { get; init; }
    [Id(9)] public long RejectHint { get; init; }
    [Id(10)] public long Context { get; init; }
    [Id(11)] public bool LeaderTransfer { get; init; }
    /// <summary>InstallSnapshot chunk offset, or the next offset a follower expects.</summary>
    [Id(12)] public long Offset { get; init; }
    /// <summary>InstallSnapshot chunk bytes.</summary>
    [Id(13)] public byte[] Data { get; init; } = [];
    /// <summary>Last InstallSnapshot chunk, or the snapshot is installed.</summary>
    [Id(14)] public bool Done { get; init; }
    /// <summary>The snapshot image's total size in bytes.</summary>
    [Id(15)] public long TotalBytes { get; init; }
    /// <summary>The group configuration carried by a snapshot.</summary>
    [Id(16)] public int[] Voters { get; init; } = [];
    /// <summary>Each voter's storage incarnation in the configuration a snapshot carries (parallel to <see cref="Voters"/>).</summary>
    [Id(17)] public long[] Incarnations { get; init; } = [];
    /// <summary>The sender's storage incarnation (disk-loss safety).</summary>
    [Id(18)] public long FromIncarnation { get; init; }
    /// <summary>The whole configuration a snapshot carries (voters, learners, incarnations, silos), encoded as a
    /// configuration entry's payload; empty when it carries only <see cref="Voters"/> and <see cref="Incarnations"/>.</summary>
    [Id(19)] public byte[] Configuration { get; init; } = [];
}

/// <summary>A log entry on the wire and in storage.</summary>
[GenerateSerializer, Immutable, Alias("raftkv.RaftEntryData")]
public sealed record RaftEntryData
{
    [Id(0)] public long Term { get; init; }
    [Id(1)] public long Index { get; init; }
    [Id(2)] public byte Type { get; init; }
    [Id(3)] public byte[] Data { get; init; } = [];
}
