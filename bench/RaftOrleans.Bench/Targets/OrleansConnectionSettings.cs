using System.Net;

namespace RaftOrleans.Bench.Targets;

/// <summary>How the benchmark's Orleans client finds a cluster: the SQLite cluster file, or static gateways.</summary>
public sealed record OrleansConnectionSettings
{
    /// <summary>The cluster's data directory (holding <c>cluster.db</c>), when gateways are found through it.</summary>
    public string? DataDirectory { get; init; }
    /// <summary>Gateway endpoints; when any are given they win over <see cref="DataDirectory"/>.</summary>
    public IReadOnlyList<IPEndPoint> Gateways { get; init; } = [];
    /// <summary>Orleans cluster id.</summary>
    public string ClusterId { get; init; } = "raftkv";
    /// <summary>Orleans service id.</summary>
    public string ServiceId { get; init; } = "raftkv";
    /// <summary>How long one grain call may take before the client gives up on it.</summary>
    public TimeSpan ResponseTimeout { get; init; } = TimeSpan.FromSeconds(15);
    /// <summary>How long to keep trying to connect.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>TLS with a client certificate (a RaftOrleans cluster with TLS on); null: plain TCP.</summary>
    public RaftOrleans.Security.ClientTlsSettings? Tls { get; init; }
}
