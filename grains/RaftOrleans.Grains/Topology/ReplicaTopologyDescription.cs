namespace RaftOrleans.Grains.Topology;

/// <summary>Words for a topology in error messages, so every "not configured" error says what is.</summary>
public static class ReplicaTopologyDescription
{
    /// <summary>
    /// For example <c>groups are [default, orders] with replicas [1, 2, 3] each</c>, or, where groups
    /// differ, <c>groups are [a, b]: a with replicas [1, 2, 3], b with replicas [1, 2]</c>.
    /// </summary>
    public static string Describe(this IReplicaTopology topology)
    {
        ArgumentNullException.ThrowIfNull(topology);
        var groups = $"groups are [{string.Join(", ", topology.Groups)}]";
        var replicas = topology.Groups.Select(g => $"[{string.Join(", ", topology.Members(g).Select(m => m.ReplicaId))}]").ToList();
        if (replicas.Count == 0) return groups;
        if (replicas.Distinct(StringComparer.Ordinal).Count() == 1) return $"{groups} with replicas {replicas[0]} each";
        return $"{groups}: {string.Join(", ", topology.Groups.Zip(replicas, (g, r) => $"{g} with replicas {r}"))}";
    }
}
