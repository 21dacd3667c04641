namespace RaftOrleans.Consensus;

/// <summary>How the leader currently replicates to one follower (etcd's tracker states).</summary>
public enum ProgressState
{
    /// <summary>The leader does not know where the follower's log matches; it sends one append per
    /// heartbeat interval and waits for the answer (log repair, paper §5.3).</summary>
    Probe,
    /// <summary>Logs match up to Match; the leader streams appends optimistically, up to
    /// <see cref="RaftConfig.MaxInflightMessages"/> unacknowledged ones (pipelining).</summary>
    Replicate,
    /// <summary>The entries the follower needs are compacted: the leader sends it a snapshot in
    /// InstallSnapshot chunks and no appends until the snapshot is installed (etcd's StateSnapshot).</summary>
    Snapshot,
}

/// <summary>The leader's view of one replica's log.</summary>
/// <param name="Id">Replica id.</param>
/// <param name="Match">Highest index known to be replicated on it.</param>
/// <param name="Next">Next index the leader will send.</param>
/// <param name="State">Probe, Replicate or Snapshot.</param>
/// <param name="IsVoter">False for a learner (or for the leader itself while a configuration removing it is pending).</param>
public readonly record struct PeerProgress(int Id, long Match, long Next, ProgressState State, bool IsVoter = true);

/// <summary>A read-only snapshot of a node's state, for diagnostics, checkers and tests.</summary>
/// <param name="Id">Replica id.</param>
/// <param name="Term">Current term.</param>
/// <param name="Vote">Vote cast in <paramref name="Term"/>, or <see cref="RaftNode.None"/>.</param>
/// <param name="Role">Current role.</param>
/// <param name="Leader">Known leader, or <see cref="RaftNode.None"/>.</param>
/// <param name="Commit">Commit index.</param>
/// <param name="Applied">Highest index the driver has applied (acknowledged through <see cref="RaftNode.Advance"/>).</param>
/// <param name="LastIndex">Last log index (persisted or not).</param>
/// <param name="FirstIndex">First log index held.</param>
/// <param name="Progress">For a leader, one entry per member (itself included) in id order; empty otherwise.</param>
public sealed record RaftStatus(
    int Id, long Term, int Vote, StateRole Role, int Leader, long Commit, long Applied,
    long LastIndex, long FirstIndex, IReadOnlyList<PeerProgress> Progress);
