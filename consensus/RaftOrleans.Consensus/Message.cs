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
    /// AppendResponse reject: term of the follower's entry at the hint index.</summary>
    public long LogTerm { get; init; }
    /// <summary>Vote: candidate's last log index. Append: prevLogIndex. AppendResponse: the follower's
    /// last matching index on success, the rejected prevLogIndex on reject.</summary>
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
}
