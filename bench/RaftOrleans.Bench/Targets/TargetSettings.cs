using System.Net;

namespace RaftOrleans.Bench.Targets;

/// <summary>Which target to drive and how to reach it (the command line's target options).</summary>
public sealed record TargetSettings
{
    /// <summary>The target.</summary>
    public required TargetKind Kind { get; init; }
    /// <summary>RaftOrleans group name, or the baseline store's name.</summary>
    public string Group { get; init; } = "default";
    /// <summary>Cluster data directory holding <c>cluster.db</c> (RaftOrleans).</summary>
    public string? DataDirectory { get; init; }
    /// <summary>Orleans gateways (RaftOrleans, baseline).</summary>
    public IReadOnlyList<IPEndPoint> Gateways { get; init; } = [];
    /// <summary>Orleans cluster id.</summary>
    public string ClusterId { get; init; } = "raftkv";
    /// <summary>Orleans service id.</summary>
    public string ServiceId { get; init; } = "raftkv";
    /// <summary>etcd client endpoints (<c>http://127.0.0.1:2379</c>, ...).</summary>
    public IReadOnlyList<string> EtcdEndpoints { get; init; } = [];
    /// <summary>Per-operation deadline.</summary>
    public TimeSpan OperationTimeout { get; init; } = TimeSpan.FromSeconds(15);
    /// <summary>TLS with a client certificate (a RaftOrleans cluster with TLS on); null: plain TCP.</summary>
    public RaftOrleans.Security.ClientTlsSettings? Tls { get; init; }
}
