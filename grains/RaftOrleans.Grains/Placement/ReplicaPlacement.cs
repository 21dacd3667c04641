using Orleans.Placement;
using Orleans.Runtime;

namespace RaftOrleans.Grains.Placement;

/// <summary>
/// Places replica <c>i</c> of a group on the silo named for it, and nowhere else: a replica's
/// storage lives with its silo, so moving it would be a new, empty server under an old identity.
/// </summary>
[GenerateSerializer, Immutable, Alias("raftkv.ReplicaPlacementStrategy")]
public sealed class ReplicaPlacementStrategy : PlacementStrategy
{
    /// <summary>The single instance.</summary>
    public static ReplicaPlacementStrategy Instance { get; } = new();

    /// <summary>
    /// Replicas are not registered in Orleans' grain directory: the placement director alone says
    /// where a replica lives (the silo named for it), so the directory adds nothing but a failure
    /// mode. With the default directory, when a silo dies every activation elsewhere whose
    /// directory entry that silo held is deactivated; a surviving replica then lost its in-memory
    /// state (an election in progress, waiting requests) in the middle of a failover, which cost
    /// one more election timeout in about a third of leader kills (see docs/divergence.md).
    /// </summary>
    public override bool IsUsingGrainDirectory => false;
}

/// <summary>Marks a grain class as placed by <see cref="ReplicaPlacementStrategy"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class ReplicaPlacementAttribute : PlacementAttribute
{
    /// <summary>Creates the attribute.</summary>
    public ReplicaPlacementAttribute() : base(ReplicaPlacementStrategy.Instance) { }
}
