namespace RaftOrleans.Consensus;

/// <summary>The role a replica plays in its current term.</summary>
public enum StateRole
{
    /// <summary>Follows a leader (or waits for one).</summary>
    Follower,

    /// <summary>Runs a pre-election (PreVote) that does not bump the term.</summary>
    PreCandidate,

    /// <summary>Runs an election in a new term.</summary>
    Candidate,

    /// <summary>Leads the current term.</summary>
    Leader,
}

/// <summary>Volatile state, reported in <see cref="Ready.SoftState"/> when it changes; never persisted.</summary>
/// <param name="Leader">The known leader of the current term, or <see cref="RaftNode.None"/>.</param>
/// <param name="Role">This replica's role.</param>
public readonly record struct SoftState(int Leader, StateRole Role);
