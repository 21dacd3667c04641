namespace RaftOrleans.Grains;

/// <summary>One replica's view of itself, for `raftkv status` and tests.</summary>
[GenerateSerializer, Immutable, Alias("raftkv.ReplicaStatus")]
public sealed record ReplicaStatus
{
    /// <summary>Replica index within its group (1-based).</summary>
    [Id(0)] public int Replica { get; init; }
    /// <summary>Name of the silo hosting the replica.</summary>
    [Id(1)] public string Silo { get; init; } = "";
    /// <summary>Follower, PreCandidate, Candidate, Leader, or Stopped/Unreachable.</summary>
    [Id(2)] public string Role { get; init; } = "";
    /// <summary>Current term.</summary>
    [Id(3)] public long Term { get; init; }
    /// <summary>Commit index.</summary>
    [Id(4)] public long Commit { get; init; }
    /// <summary>Applied index.</summary>
    [Id(5)] public long Applied { get; init; }
    /// <summary>Leader the replica knows of (0 = none).</summary>
    [Id(6)] public int Leader { get; init; }
    /// <summary>Last log index.</summary>
    [Id(7)] public long LastIndex { get; init; }
    /// <summary>Why the replica could not be reached, if it could not.</summary>
    [Id(8)] public string? Error { get; init; }
    /// <summary>Storage writes since activation (head rows, sealed chunks, snapshots).</summary>
    [Id(9)] public long StorageWrites { get; init; }
    /// <summary>Log entries made durable since activation.</summary>
    [Id(10)] public long EntriesPersisted { get; init; }
    /// <summary>When this activation of the replica started (UTC): a change means the replica was re-activated.</summary>
    [Id(11)] public DateTimeOffset ActivatedAt { get; init; }
    /// <summary>First index the log holds (above 1 once compacted).</summary>
    [Id(12)] public long FirstIndex { get; init; }
    /// <summary>Applied index the durable state-machine snapshot reaches (0 = none yet).</summary>
    [Id(13)] public long SnapshotIndex { get; init; }
    /// <summary>Snapshots installed from a leader since activation.</summary>
    [Id(14)] public long SnapshotsInstalled { get; init; }
    /// <summary>
    /// Whether the group's configuration (the voters' storage incarnations) is committed in this
    /// replica's view. Until it is, a leader accepts no writes: a new group commits its first
    /// configuration once every replica has been up (docs/disk-loss.md).
    /// </summary>
    [Id(15)] public bool Configured { get; init; }
    /// <summary>The members of the configuration in force in this replica's view (voters and learners).</summary>
    [Id(16)] public IReadOnlyList<MemberInfo> Members { get; init; } = [];
    /// <summary>Log index of that configuration (0: the initial one from the options).</summary>
    [Id(17)] public long ConfigurationIndex { get; init; }
    /// <summary>True when that configuration is committed in this replica's view.</summary>
    [Id(18)] public bool ConfigurationCommitted { get; init; }
}

/// <summary>The status of every replica of one group.</summary>
[GenerateSerializer, Immutable, Alias("raftkv.GroupStatus")]
public sealed record GroupStatus
{
    /// <summary>Group name.</summary>
    [Id(0)] public string Group { get; init; } = "";
    /// <summary>One entry per replica, in index order.</summary>
    [Id(1)] public IReadOnlyList<ReplicaStatus> Replicas { get; init; } = [];
}
