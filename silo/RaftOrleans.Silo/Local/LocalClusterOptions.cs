using RaftOrleans.Grains.Hosting;
using RaftOrleans.Grains.Topology;

namespace RaftOrleans.Silo.Local;

/// <summary>The <c>local</c> command's settings.</summary>
public sealed record LocalClusterOptions
{
    /// <summary>Data directory shared by all silos (each has its own sub-folder).</summary>
    public required string DataDirectory { get; init; }
    /// <summary>How many silos (and replicas per group).</summary>
    public int Silos { get; init; } = 3;
    /// <summary>Silo i uses silo port <c>BaseSiloPort + i - 1</c>.</summary>
    public int BaseSiloPort { get; init; } = 11111;
    /// <summary>Silo i uses gateway port <c>BaseGatewayPort + i - 1</c>.</summary>
    public int BaseGatewayPort { get; init; } = 30001;
    /// <summary>Orleans cluster id.</summary>
    public string ClusterId { get; init; } = "raftkv";
    /// <summary>How long to wait for the cluster to serve a read.</summary>
    public TimeSpan ReadyTimeout { get; init; } = TimeSpan.FromSeconds(90);
    /// <summary>Extra configuration tokens passed to every silo (<c>--Section:Key=value</c>).</summary>
    public IReadOnlyList<string> ExtraArguments { get; init; } = [];

    /// <summary>
    /// A folder made by <c>scripts/make-dev-ca.sh</c> (<c>ca.crt</c>, <c>silo{i}.crt/.key</c>, <c>admin</c>, <c>writer</c>,
    /// <c>reader</c>); when set the silos run with TLS and grant <c>admin</c> Admin, <c>writer</c> ReadWrite and
    /// <c>reader</c> ReadOnly on every key. Null, the default: no TLS.
    /// </summary>
    public string? TlsDirectory { get; init; }

    /// <summary>The client certificate settings of one identity in <see cref="TlsDirectory"/>, or null without TLS.</summary>
    public RaftOrleans.Security.ClientTlsSettings? ClientTls(string identity) => TlsDirectory is { } dir
        ? new RaftOrleans.Security.ClientTlsSettings
        {
            CertificateFile = Path.Combine(Path.GetFullPath(dir), $"{identity}.crt"),
            KeyFile = Path.Combine(Path.GetFullPath(dir), $"{identity}.key"),
            CaFile = Path.Combine(Path.GetFullPath(dir), "ca.crt"),
        }
        : null;

    /// <summary>The full data path.</summary>
    public string DataPath => Path.GetFullPath(DataDirectory);

    /// <summary>
    /// The replica topology the silos run with: one replica of each group per silo (the children get
    /// <c>ReplicaCount = Silos</c>), so its <see cref="IReplicaTopology.Silos"/> are the silos to start, in order.
    /// </summary>
    public IReplicaTopology Topology => new ConfiguredReplicaTopology(new RaftKeyValueOptions { ReplicaCount = Silos });
}
