using Orleans.Runtime;
using RaftOrleans.Grains.Topology;

namespace RaftOrleans.Grains.Replica;

/// <summary>
/// Which replicas of one group have their silo (as the topology names it) active in the cluster, from
/// the membership snapshot, cached per membership version so the hot send path does not scan the
/// member list.
/// </summary>
internal sealed class PeerSilos(IClusterMembershipService membership, IReplicaTopology topology, string group)
{
    private MembershipVersion _version = MembershipVersion.MinValue;
    private HashSet<string> _active = [];

    /// <summary>True when replica <paramref name="index"/> of the group is a member and the silo that hosts it is active.</summary>
    public bool IsUp(int index)
    {
        var replica = new ReplicaKey(group, index);
        if (!topology.Contains(replica)) return false;
        return Active().Contains(topology.SiloOf(replica));
    }

    /// <summary>The names of the active silos whose name gives them a replica id (see <see cref="IReplicaTopology.ReplicaIdOf"/>), by id.</summary>
    public IReadOnlyDictionary<int, string> ActiveReplicaSilos()
    {
        var named = new SortedDictionary<int, string>();
        foreach (var name in Active())
        {
            if (topology.ReplicaIdOf(name) is { } id) named[id] = name;
        }
        return named;
    }

    private HashSet<string> Active()
    {
        var snapshot = membership.CurrentSnapshot;
        if (snapshot.Version != _version)
        {
            _active = snapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
            _version = snapshot.Version;
        }
        return _active;
    }
}
