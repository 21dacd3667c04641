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
}

/// <summary>Marks a grain class as placed by <see cref="ReplicaPlacementStrategy"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class ReplicaPlacementAttribute : PlacementAttribute
{
    /// <summary>Creates the attribute.</summary>
    public ReplicaPlacementAttribute() : base(ReplicaPlacementStrategy.Instance) { }
}
