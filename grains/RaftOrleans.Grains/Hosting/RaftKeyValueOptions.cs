using RaftOrleans.KeyValue;

namespace RaftOrleans.Grains.Hosting;

/// <summary>
/// Settings of the Raft key-value store on a silo (configuration section <see cref="SectionName"/>).
/// Every silo of a cluster must use the same values, except nothing: they are cluster-wide.
/// </summary>
public sealed class RaftKeyValueOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "RaftKeyValue";

    /// <summary>Raft groups served by the cluster. Default: one group, <c>"default"</c>.</summary>
    public List<string> Groups { get; set; } = ["default"];

    /// <summary>Replicas per group (odd: 3 tolerates one failure, 5 tolerates two). Default 3.</summary>
    public int ReplicaCount { get; set; } = 3;

    /// <summary>Replica <c>i</c> of every group lives on the silo named <c>{SiloNamePrefix}{i}</c>
    /// (i = 1..ReplicaCount; see <see cref="Topology.ConfiguredReplicaTopology"/>). Default <c>"silo"</c>:
    /// silo1, silo2, silo3.</summary>
    public string SiloNamePrefix { get; set; } = "silo";

    /// <summary>
    /// Period of the replica timer that drives Raft time; the leader's heartbeat is one tick. Default
    /// 30 ms, so the election timeout is 0.3–0.6 s: failover time is mostly that timeout (measured with
    /// bench/run.sh), and PreVote with CheckQuorum keeps a follower that misses a few heartbeats under
    /// load from deposing a live leader. Raise it for links slower than a LAN.
    /// </summary>
    public TimeSpan TickInterval { get; set; } = TimeSpan.FromMilliseconds(30);

    /// <summary>Base election timeout in ticks (randomised up to twice this). Default 10 (0.3–0.6 s at the default tick).</summary>
    public int ElectionTicks { get; set; } = 10;

    /// <summary>Leader heartbeat period in ticks. Default 1.</summary>
    public int HeartbeatTicks { get; set; } = 1;

    /// <summary>Name of the <c>IGrainStorage</c> provider holding Raft state. Default <c>"raft"</c>.</summary>
    public string StorageProviderName { get; set; } = "raft";

    /// <summary>Largest key a request may carry, in UTF-8 bytes. Default 1024; at most
    /// <see cref="KvLimits.Ceiling"/>'s 64 KiB (what every replica applies).</summary>
    public int MaxKeyBytes { get; set; } = KvLimits.Default.MaxKeyBytes;

    /// <summary>Largest value a request may carry, in UTF-8 bytes. Default 1 MiB; at most
    /// <see cref="KvLimits.Ceiling"/>'s 8 MiB.</summary>
    public int MaxValueBytes { get; set; } = KvLimits.Default.MaxValueBytes;

    /// <summary>How long the gateway keeps retrying a request before answering "unavailable". Default 10 s.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long the gateway waits for one replica's answer before also trying another (the slow
    /// attempt stays in the race). Default 500 ms: a call to a killed leader's silo hangs until Orleans
    /// declares that silo dead, so this bounds how long requests keep waiting on a dead leader after a
    /// new one is elected (measured: at 2 s, leader-kill failovers of 1.6–2.1 s, all spent here).
    /// </summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Committed entries in the replica's head row that make it seal them into a log chunk row. The
    /// head row is rewritten on every ready batch, so this bounds the bytes each write carries; the
    /// price is one extra write per seal. Default 64 (measured: at 256 the head row's rewrite was the
    /// largest cost of a write at low concurrency).
    /// </summary>
    public int LogChunkEntries { get; set; } = 64;

    /// <summary>
    /// Applied entries between state-machine snapshots. A snapshot writes only the keys and sessions
    /// changed since the previous one (a delta, in the background: the pump never waits for it), and
    /// once it is durable the log behind it is compacted down to <see cref="TrailingEntries"/>. So this
    /// bounds the log held in memory and read at restart (at most this plus the trailing entries).
    /// Default 10,000, etcd's default snapshot count.
    /// </summary>
    public int SnapshotEveryEntries { get; set; } = 10_000;

    /// <summary>
    /// How many recent key changes each replica keeps for reads at an older revision (consistent pages) and for
    /// watches resuming from a revision; older revisions answer Compacted. Not replicated: a replica keeps changes from
    /// when it loaded its snapshot on. Memory: about 100 bytes plus the old value per change. Default 50,000.
    /// </summary>
    public int HistoryEvents { get; set; } = KeyValue.KeyValueStateMachine.DefaultHistoryEvents;

    /// <summary>
    /// Log entries kept behind a durable snapshot when the log is compacted, so a follower that lags by
    /// less than this still catches up with plain appends instead of a snapshot install (hashicorp/raft's
    /// TrailingLogs). Default 5,000 (etcd keeps 5,000 too).
    /// </summary>
    public int TrailingEntries { get; set; } = 5_000;

    /// <summary>
    /// Upper bound on the size of one state-machine snapshot row (a base part or a delta part; one
    /// key larger than this gets a row of its own), so SQLite and PostgreSQL rows stay small enough
    /// to read and write in one go. Default 1 MiB; at most 4 MiB.
    /// </summary>
    public int SnapshotPartBytes { get; set; } = 1 << 20;

    /// <summary>
    /// Self-healing placement (docs/membership.md): when a member's silo has been down for
    /// <see cref="SelfHealingGracePeriod"/>, the leader adds a learner on a live spare silo, promotes it once caught
    /// up, then removes the dead member, one committed change at a time. Default on: it only ever acts when a spare
    /// silo runs (a silo named by the naming rule that hosts no member), which is an operator's explicit offer of a
    /// replacement, and each step is the same safe change <c>raftkv member</c> makes. Set false to replace members
    /// only by hand.
    /// </summary>
    public bool SelfHealing { get; set; } = true;

    /// <summary>
    /// How long a member's silo must be continuously down (not an active Orleans cluster member) before self-healing
    /// replaces it, counted by the current leader from when it first saw it down (a new leader starts the count
    /// again). Default 5 min: far longer than a restart or an upgrade of one host, so only a host that is really
    /// gone is replaced. At least 1 s.
    /// </summary>
    public TimeSpan SelfHealingGracePeriod { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Period of the reminder that re-activates a replica after its silo restarts. Default 1 min.</summary>
    public TimeSpan WakeReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);
}
