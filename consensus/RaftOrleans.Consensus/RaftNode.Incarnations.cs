namespace RaftOrleans.Consensus;

/// <summary>
/// Disk-loss safety (issue #13 item 4). Each replica's storage has an incarnation
/// (<see cref="RaftConfig.Incarnation"/>) and stamps it on every message. The group configuration is data: an
/// <see cref="EntryType.Config"/> entry records each voter's incarnation; the latest one in the log governs,
/// committed or not (thesis §4.1), and snapshots carry it (<see cref="SnapshotMetadata.Incarnations"/>). A
/// message from a recorded voter under another incarnation is dropped before anything looks at it, so a
/// replica that restarted on a blank disk under its old id never votes, acknowledges or confirms a read.
/// The first configuration is written by a leader that heard every voter and commits only when every voter
/// acknowledged it (before it is everywhere, a blank replica cannot be told from a founding one); nothing
/// else commits before it, and proposals wait for it.
/// </summary>
public sealed partial class RaftNode
{
    /// <summary>Entries read per step when scanning the log backwards for the governing configuration.</summary>
    private const int ConfigScanBatch = 256;

    /// <summary>Incarnations seen on messages, by sender: what a leader writes into the first configuration.</summary>
    private readonly Dictionary<int, long> learnedIncarnations = [];

    /// <summary>The governing configuration (voter → incarnation), or null while none is known.</summary>
    private Dictionary<int, long>? governing;

    /// <summary>Index and term of the entry (or snapshot) the governing configuration comes from; 0 if none.</summary>
    private long configIndex;
    private long configTerm;

    /// <summary>True when <see cref="governing"/> comes from a log entry (false: from a snapshot's metadata).</summary>
    private bool configFromLog;

    /// <summary>The configuration carried by the newest snapshot (restart or install); used when the log holds none.</summary>
    private SnapshotMetadata? snapshotConfiguration;

    /// <summary>Latched once a configuration is known committed (it can never be un-committed).</summary>
    private bool configCommitted;

    private bool IncarnationsOn => config.Incarnation != 0;

    /// <summary>
    /// True once a group configuration is committed (always true when incarnations are off). Before that the
    /// leader refuses proposals with <see cref="ProposeOutcome.ConfigurationPending"/> and nothing commits.
    /// </summary>
    public bool ConfigurationCommitted
    {
        get
        {
            if (!IncarnationsOn || configCommitted) return true;
            configCommitted = governing is not null && configIndex <= log.Committed;
            return configCommitted;
        }
    }

    /// <summary>
    /// True when the governing configuration records another incarnation for this replica: its storage was
    /// replaced (a wiped disk) after the group recorded it, so its peers ignore it. The way back is to remove
    /// it from the group and add it as a new member (membership changes).
    /// </summary>
    public bool IsExcluded => IncarnationsOn && governing is not null
        && governing.TryGetValue(Id, out var recorded) && recorded != config.Incarnation;

    /// <summary>Messages dropped because they came from another incarnation of a recorded voter (for logs and metrics).</summary>
    public long MessagesFromOtherIncarnations { get; private set; }

    /// <summary>The incarnation each voter has in the governing configuration, or null while none is known.</summary>
    public IReadOnlyDictionary<int, long>? Incarnations => governing;

    /// <summary>
    /// The metadata for a snapshot of the state machine at <paramref name="index"/> (an applied index the log still
    /// knows the term of): its term, the voters, and the configuration as of that index, so that compacting the
    /// log behind it keeps the configuration. Drivers call it when they take a snapshot.
    /// </summary>
    public SnapshotMetadata SnapshotMetadataAt(long index)
    {
        if (!log.TryTerm(index, out var term))
            throw new ArgumentOutOfRangeException(nameof(index), $"The log does not know the term of index {index}.");
        var (_, _, members) = FindConfiguration(index);
        return new SnapshotMetadata(index, term, voters)
        {
            Incarnations = members is null ? [] : voters.Select(v => members.GetValueOrDefault(v)).ToArray(),
        };
    }

    /// <summary>Loads the governing configuration at construction: the latest config entry in the log, else
    /// the one <paramref name="snapshot"/> carries.</summary>
    private void InitConfiguration(SnapshotMetadata? snapshot)
    {
        if (!IncarnationsOn) return;
        if (snapshot is not null) SetSnapshotConfiguration(snapshot);
        RefreshConfiguration();
    }

    private void SetSnapshotConfiguration(SnapshotMetadata snapshot)
    {
        if (snapshot.Incarnations.Count > 0 && snapshot.Incarnations.Count == snapshot.Voters.Count) snapshotConfiguration = snapshot;
    }

    /// <summary>Drops a message from another incarnation of a recorded voter; otherwise remembers the sender's incarnation.</summary>
    private bool FromOtherIncarnation(Message m)
    {
        if (!IncarnationsOn) return false;
        if (!Faults.IgnoreIncarnations && governing is not null && governing.TryGetValue(m.From, out var recorded)
            && recorded != 0 && recorded != m.FromIncarnation)
        {
            MessagesFromOtherIncarnations++;
            return true;
        }
        if (m.FromIncarnation != 0) learnedIncarnations[m.From] = m.FromIncarnation;
        return false;
    }

    /// <summary>After a follower appended <paramref name="entries"/>: a new config entry, or a truncated one, changes what governs.</summary>
    private void RefreshConfigurationAfterAppend(IReadOnlyList<Entry> entries)
    {
        if (!IncarnationsOn) return;
        var truncated = configFromLog && !log.MatchTerm(configIndex, configTerm);
        if (truncated || entries.Any(e => e.Type == EntryType.Config)) RefreshConfiguration();
    }

    /// <summary>Re-reads the governing configuration from the log (and the snapshot behind it).</summary>
    private void RefreshConfiguration()
    {
        if (!IncarnationsOn) return;
        var (index, term, members) = FindConfiguration(log.LastIndex);
        governing = members;
        configIndex = index;
        configTerm = term;
        configFromLog = members is not null && index >= log.FirstIndex;
        _ = ConfigurationCommitted;
    }

    /// <summary>The latest configuration at or before <paramref name="atOrBefore"/>: a config entry in the log,
    /// else the snapshot's, else none.</summary>
    private (long Index, long Term, Dictionary<int, long>? Members) FindConfiguration(long atOrBefore)
    {
        KeepCompactedConfiguration();
        var first = log.FirstIndex;
        var high = Math.Min(atOrBefore, log.LastIndex);
        while (high >= first)
        {
            var low = Math.Max(first, high - ConfigScanBatch + 1);
            var slice = log.Slice(low, high + 1, long.MaxValue);
            for (var i = slice.Count - 1; i >= 0; i--)
            {
                var e = slice[i];
                if (e.Type != EntryType.Config) continue;
                var (ids, incarnations) = ConfigurationCodec.Decode(e.Data);
                return (e.Index, e.Term, ToMap(ids, incarnations));
            }
            high = low - 1;
        }
        if (snapshotConfiguration is { } s) return (s.Index, s.Term, ToMap(s.Voters, s.Incarnations));
        return (0, 0, null);
    }

    /// <summary>
    /// The driver compacts the log under the node (behind a snapshot it took): once the governing configuration's
    /// entry is gone from the log, the node keeps it as the configuration behind the log, so snapshots it
    /// describes afterwards (<see cref="SnapshotMetadataAt"/>, images for followers) still carry it.
    /// </summary>
    private void KeepCompactedConfiguration()
    {
        if (!configFromLog || governing is null || configIndex >= log.FirstIndex) return;
        snapshotConfiguration = new SnapshotMetadata(configIndex, configTerm, voters)
        {
            Incarnations = voters.Select(v => governing.GetValueOrDefault(v)).ToArray(),
        };
        configFromLog = false;
    }

    private static Dictionary<int, long> ToMap(IReadOnlyList<int> ids, IReadOnlyList<long> incarnations)
    {
        var map = new Dictionary<int, long>(ids.Count);
        for (var i = 0; i < ids.Count; i++) map[ids[i]] = incarnations[i];
        return map;
    }

    /// <summary>
    /// Leader without any configuration: once it has heard every voter's incarnation (votes, append and heartbeat
    /// answers all carry it), it appends the first configuration entry. It commits only unanimously (AdvanceCommit).
    /// </summary>
    private void MaybeAppendBootstrapConfiguration()
    {
        if (!IncarnationsOn || Role != StateRole.Leader || governing is not null) return;
        learnedIncarnations[Id] = config.Incarnation;
        var incarnations = new long[voters.Length];
        for (var i = 0; i < voters.Length; i++)
        {
            if (!learnedIncarnations.TryGetValue(voters[i], out incarnations[i])) return;
        }
        var entry = new Entry(Term, log.LastIndex + 1, EntryType.Config, ConfigurationCodec.Encode(voters, incarnations));
        AppendAsLeader(entry);
        governing = ToMap(voters, incarnations);
        configIndex = entry.Index;
        configTerm = entry.Term;
        configFromLog = true;
        if (voters.Length > 1) broadcastPending = true;
    }

    /// <summary>
    /// The index a leader may commit to before a configuration is committed: only through a configuration entry
    /// that every voter holds (the smallest match of all), else nothing.
    /// </summary>
    private long BootstrapCommitCandidate()
    {
        if (governing is null || !configFromLog) return 0;
        var unanimous = progress.Values.Min(p => p.Match);
        return unanimous >= configIndex ? unanimous : 0;
    }
}
