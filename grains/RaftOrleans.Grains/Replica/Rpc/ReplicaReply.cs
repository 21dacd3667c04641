namespace RaftOrleans.Grains;

/// <summary>
/// A replica's answer to a proposal or read. When the replica is not the leader it says so and
/// names the leader it knows, so the gateway can redirect without guessing.
/// </summary>
[GenerateSerializer, Immutable, Alias("raftkv.ReplicaReply")]
public sealed record ReplicaReply
{
    /// <summary>The result, when <see cref="NotLeader"/> is false.</summary>
    [Id(0)] public KvResponse? Response { get; init; }
    /// <summary>True when this replica cannot serve the request as leader; retry elsewhere.</summary>
    [Id(1)] public bool NotLeader { get; init; }
    /// <summary>The leader this replica knows of (0 = unknown).</summary>
    [Id(2)] public int LeaderHint { get; init; }
    /// <summary>Why the request was not served, for logs.</summary>
    [Id(3)] public string? Reason { get; init; }
    /// <summary>Index of the configuration the replica knows as committed, so a gateway can tell its member list is old.</summary>
    [Id(4)] public long ConfigurationIndex { get; init; }
}
