namespace RaftOrleans.Grains;

/// <summary>A replica's answer to <see cref="IRaftReplicaGrain.BeginBackup"/>.</summary>
[GenerateSerializer, Immutable, Alias("raftkv.BackupReplicaReply")]
public sealed record BackupReplicaReply
{
    /// <summary>Not-leader and routing information, or an error response; <see cref="ReplicaReply.Response"/> is Ok with a <see cref="Session"/>.</summary>
    [Id(0)] public required ReplicaReply Reply { get; init; }
    /// <summary>The session, when the replica captured an image.</summary>
    [Id(1)] public BackupSession? Session { get; init; }
}
