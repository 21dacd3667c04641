using RaftOrleans.Grains.Replica;

namespace RaftOrleans.Grains.Topology;

/// <summary>
/// Which replicas each Raft group has, which silo each one lives on and which of them vote. Placement,
/// replica addressing, the gateway, the replica itself and the silo host all ask this service instead
/// of deriving silo names or replica counts on their own, so the answer can change source in one place.
/// </summary>
/// <remarks>
/// Today's implementation, <see cref="ConfiguredReplicaTopology"/>, answers from
/// <see cref="Hosting.RaftKeyValueOptions"/> and its answer is fixed for the life of the silo. A future
/// implementation will answer from each group's configuration committed in its Raft log (each member's
/// replica id, silo and vote), so callers must not assume that replica ids are contiguous, that every
/// group has the same members, or that every member votes.
/// </remarks>
public interface IReplicaTopology
{
    /// <summary>The groups served, in configuration order.</summary>
    IReadOnlyList<string> Groups { get; }

    /// <summary>Every silo that hosts at least one replica, each once, in the order of its first replica.</summary>
    IReadOnlyList<string> Silos { get; }

    /// <summary>True when <paramref name="group"/> is one of <see cref="Groups"/>.</summary>
    bool HasGroup(string group);

    /// <summary>True when the group of <paramref name="replica"/> is served and has a member with its id.</summary>
    bool Contains(ReplicaKey replica);

    /// <summary>The members of <paramref name="group"/>, by ascending replica id; empty when the group is not served.</summary>
    IReadOnlyList<ReplicaMember> Members(string group);

    /// <summary>The ids of the voting members of <paramref name="group"/>, ascending; empty when the group is not served.</summary>
    IReadOnlyList<int> VoterIds(string group);

    /// <summary>The name of the silo that hosts <paramref name="replica"/>.</summary>
    /// <exception cref="ArgumentException">The replica is not a member (<see cref="Contains"/> is false).</exception>
    string SiloOf(ReplicaKey replica);

    /// <summary>
    /// The replicas that <paramref name="silo"/> hosts, group by group in <see cref="Groups"/> order and by
    /// ascending id within a group; empty when it hosts none.
    /// </summary>
    IReadOnlyList<ReplicaKey> ReplicasOn(string silo);
}
