namespace RaftOrleans.Consensus;

/// <summary>
/// The state a replica must persist before it sends any message that depends on it
/// (paper Figure 2, "persistent state on all servers"), plus the commit index.
/// </summary>
/// <param name="Term">Latest term the replica has seen.</param>
/// <param name="Vote">Replica id voted for in <paramref name="Term"/>, or <see cref="RaftNode.None"/>.</param>
/// <param name="Commit">Highest log index known to be committed.</param>
public readonly record struct HardState(long Term, int Vote, long Commit)
{
    /// <summary>The state of a replica that has never run.</summary>
    public static HardState Empty => new(0, RaftNode.None, 0);
}
