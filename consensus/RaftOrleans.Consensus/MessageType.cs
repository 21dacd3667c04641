namespace RaftOrleans.Consensus;

/// <summary>Kinds of messages exchanged between replicas. Replies are messages of their own.</summary>
public enum MessageType : byte
{
    /// <summary>PreVote request (thesis §9.6): "would you vote for me in term+1?" Does not change terms.</summary>
    PreVote,
    /// <summary>Reply to <see cref="PreVote"/>.</summary>
    PreVoteResponse,
    /// <summary>RequestVote (paper §5.2).</summary>
    Vote,
    /// <summary>Reply to <see cref="Vote"/>.</summary>
    VoteResponse,
    /// <summary>AppendEntries carrying entries (paper §5.3).</summary>
    Append,
    /// <summary>Reply to <see cref="Append"/>; on reject carries a conflict hint.</summary>
    AppendResponse,
    /// <summary>Leader heartbeat: commit index and an optional read context.</summary>
    Heartbeat,
    /// <summary>Reply to <see cref="Heartbeat"/>.</summary>
    HeartbeatResponse,
    /// <summary>Leadership transfer: start an election now, skipping PreVote (thesis §3.10).</summary>
    TimeoutNow,
    /// <summary>One InstallSnapshot chunk (paper §7): bytes <c>[Offset, Offset + Data.Length)</c> of the image of
    /// the snapshot ending at (<see cref="Message.Index"/>, <see cref="Message.LogTerm"/>).</summary>
    Snapshot,
    /// <summary>Reply to <see cref="Snapshot"/>: the next byte offset the follower expects, or
    /// <see cref="Message.Done"/> once the snapshot is installed (or was not needed).</summary>
    SnapshotResponse,
}
