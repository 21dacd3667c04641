namespace RaftOrleans.Consensus;

/// <summary>
/// A message between replicas. One flat shape for every <see cref="MessageType"/>, like etcd's
/// raftpb.Message, so the driver can carry it over any transport without per-type code.
/// </summary>
public sealed record Message
{
    /// <summary>Kind of message.</summary>
    public required MessageType Type { get; init; }
    /// <summary>Sender replica id.</summary>
    public required int From { get; init; }
    /// <summary>Receiver replica id.</summary>
    public required int To { get; init; }
    /// <summary>Sender's term (for PreVote: the term the sender would campaign in).</summary>
    public required long Term { get; init; }
    /// <summary>Vote: candidate's last log term. Append: term of the entry at <see cref="Index"/> (prevLogTerm).
    /// AppendResponse reject: term of the follower's entry at the hint index. Snapshot: the snapshot's term.</summary>
    public long LogTerm { get; init; }
    /// <summary>Vote: candidate's last log index. Append: prevLogIndex. AppendResponse: the follower's
    /// last matching index on success, the rejected prevLogIndex on reject. Snapshot, SnapshotResponse: the
    /// snapshot's last included index.</summary>
    public long Index { get; init; }
    /// <summary>Entries to append (Append only).</summary>
    public IReadOnlyList<Entry> Entries { get; init; } = [];
    /// <summary>Leader's commit index (Append, Heartbeat).</summary>
    public long Commit { get; init; }
    /// <summary>Vote / Append rejected.</summary>
    public bool Reject { get; init; }
    /// <summary>AppendResponse reject: the follower's best guess of the last index both logs may share —
    /// the largest index not above <c>min(prevLogIndex, follower's last index)</c> whose term is at most the
    /// rejected prevLogTerm. Together with <see cref="LogTerm"/> it lets the leader skip a whole term of
    /// mismatching entries per round trip instead of one entry (fast backtracking).</summary>
    public long RejectHint { get; init; }
    /// <summary>Heartbeat / HeartbeatResponse: ReadIndex round context (0 = none).</summary>
    public long Context { get; init; }
    /// <summary>Vote / PreVote: the campaign was started by <see cref="MessageType.TimeoutNow"/> (leadership
    /// transfer), so voters that still hear a live leader must not ignore it (leader stickiness exception).</summary>
    public bool LeaderTransfer { get; init; }
    /// <summary>Snapshot: byte offset of <see cref="Data"/> in the image. SnapshotResponse: the next byte the
    /// follower expects (everything before it is buffered).</summary>
    public long Offset { get; init; }
    /// <summary>Snapshot: this chunk's bytes of the image.</summary>
    public ReadOnlyMemory<byte> Data { get; init; }
    /// <summary>Snapshot: this is the last chunk. SnapshotResponse: the snapshot is installed and durable on the
    /// follower (or the follower already had everything it covers).</summary>
    public bool Done { get; init; }
    /// <summary>Snapshot: the image's total size in bytes.</summary>
    public long TotalBytes { get; init; }
    /// <summary>Snapshot: the group configuration the snapshot carries (<see cref="SnapshotMetadata.Voters"/>).</summary>
    public IReadOnlyList<int> Voters { get; init; } = [];
    /// <summary>Snapshot: each voter's incarnation in the configuration the snapshot carries, parallel to
    /// <see cref="Voters"/> (<see cref="SnapshotMetadata.Incarnations"/>; empty when it carries none).</summary>
    public IReadOnlyList<long> Incarnations { get; init; } = [];
    /// <summary>Snapshot: the whole configuration the snapshot carries (<see cref="SnapshotMetadata.Configuration"/>),
    /// or null when it carries none or only <see cref="Voters"/> and <see cref="Incarnations"/>.</summary>
    public GroupConfiguration? Configuration { get; init; }
    /// <summary>Every message: the incarnation of the sender's storage (<see cref="RaftConfig.Incarnation"/>),
    /// stamped by the node. A receiver whose governing configuration names another incarnation for the sender
    /// drops the message (a replica restarted on a blank disk is not counted under its old identity).</summary>
    public long FromIncarnation { get; init; }
}
