namespace RaftOrleans.Consensus;

/// <summary>
/// A linearizable read that the leader has confirmed (thesis §6.4): once the local state machine
/// has applied up to <see cref="Index"/>, the read identified by <see cref="Context"/> may be served.
/// </summary>
/// <param name="Index">The commit index recorded when the read arrived.</param>
/// <param name="Context">The caller's request id passed to <see cref="RaftNode.ReadIndex"/>.</param>
public readonly record struct ReadState(long Index, long Context);
