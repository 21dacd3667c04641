using System.Net;

namespace RaftOrleans.Client.Connection;

/// <summary>How to find and talk to the cluster, as given on the command line.</summary>
public sealed record ConnectionSettings
{
    /// <summary>The data directory whose <c>cluster.db</c> holds membership (ignored when <see cref="Gateways"/> is set).</summary>
    public required string DataDirectory { get; init; }
    /// <summary>Static gateway endpoints; when non-empty, membership is not read from the data directory.</summary>
    public IReadOnlyList<IPEndPoint> Gateways { get; init; } = [];
    /// <summary>Npgsql connection string of the PostgreSQL membership database; when set (and no
    /// <see cref="Gateways"/> are), membership is read from it instead of the data directory.</summary>
    public string? PostgresConnectionString { get; init; }
    /// <summary>Orleans cluster id (must match the silos').</summary>
    public string ClusterId { get; init; } = Defaults.ClusterId;
    /// <summary>Orleans service id (must match the silos').</summary>
    public string ServiceId { get; init; } = Defaults.ServiceId;
    /// <summary>The Raft group to talk to.</summary>
    public string Group { get; init; } = Defaults.Group;
    /// <summary>How long to try to reach a gateway before giving up.</summary>
    public TimeSpan ConnectTimeout { get; init; } = Defaults.ConnectTimeout;
    /// <summary>How long one request may take before it is reported unavailable.</summary>
    public TimeSpan RequestTimeout { get; init; } = Defaults.RequestTimeout;
    /// <summary>Show Orleans client warnings on stderr.</summary>
    public bool Verbose { get; init; }

    /// <summary>The membership database inside <see cref="DataDirectory"/>.</summary>
    public string ClusterDatabasePath => Path.Combine(DataDirectory, "cluster.db");

    /// <summary>Defaults shared with the silo host.</summary>
    public static class Defaults
    {
        /// <summary>The data directory when neither <c>--data</c> nor <c>RAFTKV_DATA</c> is given.</summary>
        public const string DataDirectory = "./.raftkv";
        /// <summary>Cluster id of the silos started by <c>raftkv-silo</c>.</summary>
        public const string ClusterId = "raftkv";
        /// <summary>Service id of the silos started by <c>raftkv-silo</c>.</summary>
        public const string ServiceId = "raftkv";
        /// <summary>The default Raft group.</summary>
        public const string Group = "default";
        /// <summary>Connect deadline.</summary>
        public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);
        /// <summary>Per-request deadline.</summary>
        public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);
    }
}
