namespace RaftOrleans.Consensus;

/// <summary>Static configuration of one replica. Time is counted in ticks of the driver's clock.</summary>
public sealed record RaftConfig
{
    /// <summary>This replica's id (1-based, unique in the group, never <see cref="RaftNode.None"/>).</summary>
    public required int Id { get; init; }
    /// <summary>
    /// The group's initial voters: they govern until the log or a snapshot holds a configuration entry (after
    /// that, membership changes decide). A replica started outside them is a new member waiting to be added: it
    /// never campaigns until a configuration names it a voter.
    /// </summary>
    public required IReadOnlyList<int> Peers { get; init; }
    /// <summary>Where each initial voter lives (the driver's silo names), recorded in the first configuration
    /// entry; optional.</summary>
    public IReadOnlyDictionary<int, string>? PeerLocations { get; init; }
    /// <summary>
    /// The incarnation of this replica's storage: a random nonzero id drawn when the storage was created blank
    /// and persisted before the replica sends anything, so a replica restarted on a wiped disk has a new one.
    /// Nonzero turns on disk-loss safety: every message carries it, the group configuration committed in the
    /// log records each voter's, messages from any other incarnation of a recorded voter are dropped, and the
    /// first configuration must be acknowledged by every voter before anything commits. 0 turns all of that
    /// off (unit tests of the other rules only; every driver that ships sets it).
    /// </summary>
    public long Incarnation { get; init; }
    /// <summary>Base election timeout. Each election waits a random time in
    /// <c>[ElectionTicks, 2 * ElectionTicks)</c> (paper §5.2).</summary>
    public int ElectionTicks { get; init; } = 10;
    /// <summary>Ticks between leader heartbeats. Must be less than <see cref="ElectionTicks"/>.</summary>
    public int HeartbeatTicks { get; init; } = 1;
    /// <summary>Run a PreVote round before a real election (thesis §9.6).</summary>
    public bool PreVote { get; init; } = true;
    /// <summary>Leader steps down when it has not heard from a quorum within an election timeout;
    /// followers that heard a leader recently ignore votes (leader stickiness, thesis §4.2.3).</summary>
    public bool CheckQuorum { get; init; } = true;
    /// <summary>Most bytes of entries in one Append message.</summary>
    public long MaxBytesPerMessage { get; init; } = 1 << 20;
    /// <summary>Most entries in one Append message.</summary>
    public int MaxEntriesPerMessage { get; init; } = 512;
    /// <summary>Most Append messages in flight (unacknowledged) to one follower (pipelining window).</summary>
    public int MaxInflightMessages { get; init; } = 64;
    /// <summary>Most bytes of committed entries handed out in one Ready.</summary>
    public long MaxApplyBytes { get; init; } = 4 << 20;
    /// <summary>Most uncommitted entries the leader accepts before rejecting proposals (back-pressure).</summary>
    public int MaxUncommittedEntries { get; init; } = 10_000;
    /// <summary>Most image bytes in one InstallSnapshot chunk.</summary>
    public int MaxSnapshotChunkBytes { get; init; } = 256 * 1024;
    /// <summary>Most InstallSnapshot chunks in flight (unacknowledged) to one follower.</summary>
    public int MaxInflightSnapshotChunks { get; init; } = 4;
    /// <summary>Ticks without an acknowledgement that advances a snapshot transfer after which the leader
    /// re-sends from the last acknowledged offset (a chunk or its ack was lost).</summary>
    public int SnapshotResendTicks { get; init; } = 5;
    /// <summary>Most entries a learner may be behind the leader's last index to be promoted to voter (a learner
    /// further behind would leave the group without a working majority until it caught up).</summary>
    public int MaxPromotionLagEntries { get; init; } = 512;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (Id <= 0) throw new ArgumentException($"Id must be positive, was {Id}.");
        if (Peers.Count == 0) throw new ArgumentException("Peers must name at least one initial voter.");
        if (Peers.Distinct().Count() != Peers.Count) throw new ArgumentException("Peers must be distinct.");
        if (Peers.Any(p => p <= 0)) throw new ArgumentException("Peer ids must be positive.");
        if (HeartbeatTicks <= 0) throw new ArgumentException("HeartbeatTicks must be positive.");
        if (ElectionTicks <= HeartbeatTicks) throw new ArgumentException("ElectionTicks must be greater than HeartbeatTicks.");
        if (MaxInflightMessages <= 0) throw new ArgumentException("MaxInflightMessages must be positive.");
        if (MaxEntriesPerMessage <= 0 || MaxBytesPerMessage <= 0) throw new ArgumentException("Message limits must be positive.");
        if (MaxApplyBytes <= 0) throw new ArgumentException("MaxApplyBytes must be positive.");
        if (MaxUncommittedEntries <= 0) throw new ArgumentException("MaxUncommittedEntries must be positive.");
        if (MaxSnapshotChunkBytes <= 0) throw new ArgumentException("MaxSnapshotChunkBytes must be positive.");
        if (MaxInflightSnapshotChunks <= 0) throw new ArgumentException("MaxInflightSnapshotChunks must be positive.");
        if (SnapshotResendTicks <= 0) throw new ArgumentException("SnapshotResendTicks must be positive.");
        if (MaxPromotionLagEntries < 0) throw new ArgumentException("MaxPromotionLagEntries must not be negative.");
    }
}
