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
    /// <summary>How long connecting may take at most; it also spends from <see cref="RequestTimeout"/>.</summary>
    public TimeSpan ConnectTimeout { get; init; } = Defaults.ConnectTimeout;
    /// <summary>How long one command may take, connecting included, before it is reported unavailable.</summary>
    public TimeSpan RequestTimeout { get; init; } = Defaults.RequestTimeout;
    /// <summary>How long a gateway may take to answer the handshake once its TCP connection is open before the next listed gateway is tried as well.</summary>
    public TimeSpan GatewayStagger { get; init; } = Defaults.GatewayStagger;
    /// <summary>Show Orleans client warnings on stderr.</summary>
    public bool Verbose { get; init; }

    /// <summary>
    /// The deadline of one command: <see cref="RequestTimeout"/>, connecting included, less
    /// <paramref name="alreadySpent"/> (a single command counts from process start, so the
    /// runtime's own start-up is inside <c>--timeout</c> too).
    /// </summary>
    public Deadline StartCommand(TimeSpan alreadySpent = default)
        => Deadline.After(alreadySpent > TimeSpan.Zero ? RequestTimeout - alreadySpent : RequestTimeout, RequestTimeout);

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
        /// <summary>Per-command deadline, connecting included.</summary>
        public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);
        /// <summary>
        /// Head start of each gateway in the connection race, counted from its TCP connection. A
        /// refused gateway hands over at once; this bounds what a paused one (TCP accepted, no
        /// handshake) costs. A live silo completes the handshake and the client's manifest fetch in
        /// tens of milliseconds when idle; a larger value mostly delays the paused case, a smaller one
        /// starts needless second clients on a loaded machine.
        /// </summary>
        public static readonly TimeSpan GatewayStagger = TimeSpan.FromMilliseconds(750);
    }
}
