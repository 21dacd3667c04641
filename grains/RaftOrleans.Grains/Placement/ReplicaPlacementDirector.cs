using Orleans.Runtime;
using Orleans.Runtime.Placement;
using RaftOrleans.Grains.Replica;
using RaftOrleans.Grains.Topology;

namespace RaftOrleans.Grains.Placement;

/// <summary>
/// Chooses the silo for a replica activation: the active silo the <see cref="IReplicaTopology"/> names
/// for the replica. When that silo is not active the replica is down, like a crashed Raft server: the
/// director throws, and the caller (a peer's one-way message or the gateway) treats it as a lost
/// message. A replica the topology does not know has no silo at all: that is refused as an argument error.
/// </summary>
public sealed class ReplicaPlacementDirector(IClusterMembershipService membership, IReplicaTopology topology)
    : IPlacementDirector
{
    /// <inheritdoc />
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var key = target.GrainIdentity.Key.ToString() ?? "";
        if (!ReplicaKey.TryParse(key, out var replica))
        {
            throw new OrleansException($"Replica grain key '{key}' is not of the form '{{group}}/{{index}}'.");
        }

        var siloName = topology.SiloOf(replica);
        var compatible = context.GetCompatibleSilos(target);
        // The newest active incarnation: a silo restarted on another address joins before its old
        // incarnation is declared dead (see ReplicaAddressCache).
        SiloAddress? chosen = null;
        foreach (var member in membership.CurrentSnapshot.Members.Values)
        {
            if (member.Status == SiloStatus.Active && string.Equals(member.Name, siloName, StringComparison.Ordinal)
                && compatible.Contains(member.SiloAddress) && (chosen is null || chosen.Generation < member.SiloAddress.Generation))
            {
                chosen = member.SiloAddress;
            }
        }
        if (chosen is not null) return Task.FromResult(chosen);

        var active = string.Join(", ", membership.CurrentSnapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.Name));
        throw new ReplicaUnavailableException($"Replica {replica} is down: its silo '{siloName}' is not an active member of the cluster (active: {active}).");
    }
}

/// <summary>Raised when a replica's pinned silo is not active.</summary>
[GenerateSerializer, Alias("raftkv.ReplicaUnavailableException")]
public sealed class ReplicaUnavailableException : OrleansException
{
    /// <summary>Creates the exception.</summary>
    public ReplicaUnavailableException(string message) : base(message) { }
}
