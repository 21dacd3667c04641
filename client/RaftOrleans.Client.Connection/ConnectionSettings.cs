using System.Net;

namespace RaftOrleans.Client.Connection;

/// <summary>
/// How to find and talk to the cluster: where its gateways are listed (<see cref="Gateways"/>, else
/// <see cref="PostgresConnectionString"/>, else <see cref="DataDirectory"/>), the Orleans ids, the Raft
/// group and the deadlines. <c>raftkv</c> builds one from its options; application code sets the
/// properties it needs and passes it to <see cref="RaftKeyValueClient.ConnectAsync(ConnectionSettings, CancellationToken)"/>.
/// </summary>
public sealed record ConnectionSettings
{
    /// <summary>
    /// The data directory whose <c>cluster.db</c> holds membership (ignored when <see cref="Gateways"/>
    /// or <see cref="PostgresConnectionString"/> is set). Null by default: one of the three must be set.
    /// </summary>
    public string? DataDirectory { get; init; }
    /// <summary>Static gateway endpoints; when non-empty, membership is not read at all and exactly these are raced.</summary>
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
    /// <summary>How long connecting may take at most; it also spends from <see cref="RequestTimeout"/> (must be positive).</summary>
    public TimeSpan ConnectTimeout { get; init; } = Defaults.ConnectTimeout;
    /// <summary>
    /// How long one command may take, connecting included, before it is reported unavailable (must be
    /// positive). It is also the Orleans response timeout of every call through the connection: a call
    /// that gets no answer fails with <see cref="TimeoutException"/> after it.
    /// </summary>
    public TimeSpan RequestTimeout { get; init; } = Defaults.RequestTimeout;
    /// <summary>How long a gateway may take to answer the handshake once its TCP connection is open before the next listed gateway is tried as well (not negative).</summary>
    public TimeSpan GatewayStagger { get; init; } = Defaults.GatewayStagger;
    /// <summary>Show Orleans client warnings on stderr.</summary>
    public bool Verbose { get; init; }
    /// <summary>
    /// TLS with a client certificate (<c>raftkv --cert --key --cacert</c>); null, the default: plain TCP, for
    /// clusters without TLS. A silo with TLS on refuses plain connections, and one without TLS cannot be reached with it.
    /// </summary>
    public RaftOrleans.Security.ClientTlsSettings? Tls { get; init; }

    /// <summary>
    /// The deadline of one command: <see cref="RequestTimeout"/>, connecting included, less
    /// <paramref name="alreadySpent"/> (a single command counts from process start, so the
    /// runtime's own start-up is inside <c>--timeout</c> too).
    /// </summary>
    public Deadline StartCommand(TimeSpan alreadySpent = default)
        => Deadline.After(alreadySpent > TimeSpan.Zero ? RequestTimeout - alreadySpent : RequestTimeout, RequestTimeout);

    /// <summary>The membership database inside <see cref="DataDirectory"/> (read only when no other source is set).</summary>
    internal string ClusterDatabasePath => Path.Combine(
        DataDirectory ?? throw new InvalidOperationException("no data directory: the settings were not validated"), "cluster.db");

    /// <summary>
    /// Throws <see cref="ArgumentException"/> naming the first setting that can never work: no source
    /// of gateways at all, a null gateway, a blank id or group, a non-positive timeout. A data
    /// directory without a cluster file is not one of them: the cluster may just not be started yet,
    /// which connecting reports as <see cref="ClusterUnavailableException"/>.
    /// </summary>
    internal void ThrowIfInvalid()
    {
        const string Parameter = "settings";
        if (Gateways is null || Gateways.Any(g => g is null))
        {
            throw new ArgumentException($"{nameof(ConnectionSettings)}.{nameof(Gateways)} must not be null or hold a null endpoint", Parameter);
        }
        if (PostgresConnectionString is not null && string.IsNullOrWhiteSpace(PostgresConnectionString))
        {
            throw new ArgumentException(
                $"{nameof(ConnectionSettings)}.{nameof(PostgresConnectionString)} is blank; leave it null unless membership is in PostgreSQL", Parameter);
        }
        if (Gateways.Count == 0 && PostgresConnectionString is null && string.IsNullOrWhiteSpace(DataDirectory))
        {
            throw new ArgumentException(
                $"{nameof(ConnectionSettings)} names no cluster: set {nameof(Gateways)} (static gateway endpoints), "
                + $"{nameof(DataDirectory)} (the directory holding the cluster's cluster.db) or {nameof(PostgresConnectionString)}", Parameter);
        }
        RequireText(ClusterId, nameof(ClusterId));
        RequireText(ServiceId, nameof(ServiceId));
        RequireText(Group, nameof(Group));
        RequirePositive(ConnectTimeout, nameof(ConnectTimeout));
        RequirePositive(RequestTimeout, nameof(RequestTimeout));
        if (GatewayStagger < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(Parameter, GatewayStagger, $"{nameof(ConnectionSettings)}.{nameof(GatewayStagger)} must not be negative");
        }

        static void RequireText(string? value, string name)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                throw new ArgumentException($"{nameof(ConnectionSettings)}.{name} must not be empty", Parameter);
            }
        }

        static void RequirePositive(TimeSpan value, string name)
        {
            if (value <= TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(Parameter, value, $"{nameof(ConnectionSettings)}.{name} must be positive");
            }
        }
    }

    /// <summary>The defaults of <c>raftkv</c>, which match the silos <c>raftkv-silo</c> starts unless configured otherwise.</summary>
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
