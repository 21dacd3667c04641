using RaftOrleans.Grains.Replica;

namespace RaftOrleans.Grains.Topology;

/// <summary>
/// Which replicas each Raft group has, which silo each one lives on and which of them vote. Placement,
/// replica addressing, the gateway, the replica itself and the silo host all ask this service instead
/// of deriving silo names or replica counts on their own, so the answer can change source in one place.
/// </summary>
/// <remarks>
/// <see cref="ConfiguredReplicaTopology"/> answers from <see cref="Hosting.RaftKeyValueOptions"/> alone: the
/// initial voters, fixed for the life of the silo (the silo host's startup checks use it).
/// <see cref="CommittedReplicaTopology"/>, the one registered in a silo, answers <see cref="Members"/> and
/// <see cref="VoterIds"/> from each group's configuration committed in its Raft log as far as this silo has seen
/// it (membership changes), so callers must not assume that replica ids are contiguous, that every group has the
/// same members, or that every member votes. Where a replica lives never changes: replica <c>i</c> lives on the
/// silo the naming rule gives it, whether or not it is a member yet.
/// </remarks>
public interface IReplicaTopology
{
    /// <summary>The groups served, in configuration order.</summary>
    IReadOnlyList<string> Groups { get; }

    /// <summary>Every silo that hosts at least one replica, each once, in the order of its first replica.</summary>
    IReadOnlyList<string> Silos { get; }

    /// <summary>True when <paramref name="group"/> is one of <see cref="Groups"/>.</summary>
    bool HasGroup(string group);

    /// <summary>True when the group of <paramref name="replica"/> is served and the id can name a replica (it is
    /// positive): any replica may be added to its group, so being a member is not required.</summary>
    bool Contains(ReplicaKey replica);

    /// <summary>The voters a new group starts with (before its log holds a configuration).</summary>
    IReadOnlyList<int> InitialVoterIds(string group);

    /// <summary>The replica id the silo named <paramref name="silo"/> hosts in every group, or null when the name
    /// does not follow the naming rule (such a silo hosts no replica).</summary>
    int? ReplicaIdOf(string silo);

    /// <summary>The members of <paramref name="group"/>, by ascending replica id; empty when the group is not served.</summary>
    IReadOnlyList<ReplicaMember> Members(string group);

    /// <summary>The ids of the voting members of <paramref name="group"/>, ascending; empty when the group is not served.</summary>
    IReadOnlyList<int> VoterIds(string group);

    /// <summary>The name of the silo that hosts <paramref name="replica"/>.</summary>
    /// <exception cref="ArgumentException">The replica cannot exist (<see cref="Contains"/> is false).</exception>
    string SiloOf(ReplicaKey replica);

    /// <summary>
    /// The replicas that <paramref name="silo"/> hosts as members, group by group in <see cref="Groups"/> order and by
    /// ascending id within a group; empty when it hosts none.
    /// </summary>
    IReadOnlyList<ReplicaKey> ReplicasOn(string silo);
}
