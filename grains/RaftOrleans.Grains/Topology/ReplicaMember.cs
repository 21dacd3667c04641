namespace RaftOrleans.Grains.Topology;

/// <summary>One member of a Raft group: which replica it is, the silo it lives on, and whether it votes.</summary>
/// <param name="ReplicaId">The replica's id in its group (the <c>{index}</c> of its grain key <c>"{group}/{index}"</c>).</param>
/// <param name="Silo">The name of the silo that hosts the replica and its storage.</param>
/// <param name="IsVoter">Whether the replica counts towards quorums; a non-voter (learner) only receives the log.</param>
public sealed record ReplicaMember(int ReplicaId, string Silo, bool IsVoter);
