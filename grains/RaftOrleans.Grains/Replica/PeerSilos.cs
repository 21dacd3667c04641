using Orleans.Runtime;
using RaftOrleans.Grains.Hosting;

namespace RaftOrleans.Grains.Replica;

/// <summary>
/// Which replicas' silos are active members of the cluster, from the membership snapshot, cached per
/// membership version so the hot send path does not scan the member list.
/// </summary>
internal sealed class PeerSilos(IClusterMembershipService membership, RaftKeyValueOptions options)
{
    private MembershipVersion _version = MembershipVersion.MinValue;
    private HashSet<string> _active = [];

    /// <summary>True when the silo that hosts replica <paramref name="index"/> is active.</summary>
    public bool IsUp(int index)
    {
        var snapshot = membership.CurrentSnapshot;
        if (snapshot.Version != _version)
        {
            _active = snapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
            _version = snapshot.Version;
        }
        return _active.Contains(options.SiloNameFor(index));
    }
}
