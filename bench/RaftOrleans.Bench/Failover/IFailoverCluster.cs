using RaftOrleans.Bench.Targets;

namespace RaftOrleans.Bench.Failover;

/// <summary>What a failover measurement needs to know about a replicated target.</summary>
public interface IFailoverCluster : IAsyncDisposable
{
    /// <summary>The client the probe writes through.</summary>
    IKvTarget Target { get; }

    /// <summary>The name of the member to kill (a silo name or an etcd member name), or null when the role has no member now.</summary>
    Task<string?> FindAsync(VictimKind victim, CancellationToken cancellationToken);

    /// <summary>Null when every member is up, one leader is agreed and followers have caught up; otherwise what is missing.</summary>
    Task<string?> UnhealthyReasonAsync(CancellationToken cancellationToken);
}
