namespace RaftOrleans.Consensus;

/// <summary>
/// The group configuration as data (issue #13). <see cref="EntryType.Config"/> entries record every member
/// (<see cref="GroupConfiguration"/>); the latest one in this replica's log governs it, committed or not
/// (thesis §4.1), and a snapshot carries the one in force at its index (<see cref="SnapshotMetadata.Configuration"/>),
/// so compaction never loses it. Until the log or a snapshot holds one, <see cref="RaftConfig.Peers"/> are the voters.
/// Who votes, who is replicated to and what a majority is all follow from <see cref="Configuration"/>.
/// </summary>
public sealed partial class RaftNode
{
    /// <summary>Entries read per step when scanning the log backwards for the governing configuration.</summary>
    private const int ConfigScanBatch = 256;

    /// <summary>The configuration from <see cref="RaftConfig.Peers"/>: voters only, incarnations unknown.</summary>
    private readonly GroupConfiguration initialConfiguration;

    /// <summary>The governing configuration from the log or a snapshot, or null while none is known.</summary>
    private GroupConfiguration? governing;

    /// <summary>Index and term of the entry (or snapshot) the governing configuration comes from; 0 if none.</summary>
    private long configIndex;
    private long configTerm;

    /// <summary>True when <see cref="governing"/> comes from a log entry (false: from a snapshot's metadata).</summary>
    private bool configFromLog;

    /// <summary>The configuration behind the log (from the newest snapshot, or kept when its entry was compacted).</summary>
    private (long Index, long Term, GroupConfiguration Configuration)? behindLog;

    /// <summary>The voters of <see cref="Configuration"/>, in increasing order.</summary>
    private int[] voters = [];

    /// <summary>Every member of <see cref="Configuration"/> but this replica: whom a leader replicates to.</summary>
    private int[] replicationTargets = [];

    /// <summary>The configuration in force: the latest in the log, else the snapshot's, else the voters of
    /// <see cref="RaftConfig.Peers"/> (incarnations unknown).</summary>
    public GroupConfiguration Configuration => governing ?? initialConfiguration;

    /// <summary>Index of the entry (or snapshot) <see cref="Configuration"/> comes from; 0 for the initial one.</summary>
    public long ConfigurationIndex => configIndex;

    /// <summary>
    /// The metadata for a snapshot of the state machine at <paramref name="index"/> (an applied index the log still
    /// knows the term of): its term, and the configuration in force at that index, so that compacting the log
    /// behind it keeps the configuration. Drivers call it when they take a snapshot.
    /// </summary>
    public SnapshotMetadata SnapshotMetadataAt(long index)
    {
        if (!log.TryTerm(index, out var term))
            throw new ArgumentOutOfRangeException(nameof(index), $"The log does not know the term of index {index}.");
        var (_, _, members) = FindConfiguration(index);
        var inForce = members ?? initialConfiguration;
        return new SnapshotMetadata(index, term, inForce.Voters.ToArray())
        {
            Incarnations = members is null ? [] : members.VoterIncarnations.ToArray(),
            Configuration = members,
        };
    }

    /// <summary>Loads the governing configuration at construction: the latest config entry in the log, else
    /// the one <paramref name="snapshot"/> carries.</summary>
    private void InitConfiguration(SnapshotMetadata? snapshot)
    {
        if (snapshot is not null) SetSnapshotConfiguration(snapshot);
        RefreshConfiguration();
    }

    private void SetSnapshotConfiguration(SnapshotMetadata snapshot)
    {
        if (snapshot.RecordedConfiguration is { } recorded) behindLog = (snapshot.Index, snapshot.Term, recorded);
    }

    /// <summary>After a follower appended <paramref name="entries"/>: a new config entry, or a truncated one, changes what governs.</summary>
    private void RefreshConfigurationAfterAppend(IReadOnlyList<Entry> entries)
    {
        var truncated = configFromLog && !log.MatchTerm(configIndex, configTerm) && !Faults.KeepTruncatedConfiguration;
        if (truncated || entries.Any(e => e.Type == EntryType.Config)) RefreshConfiguration();
    }

    /// <summary>Re-reads the governing configuration from the log (and the snapshot behind it).</summary>
    private void RefreshConfiguration()
    {
        var (index, term, members) = FindConfiguration(log.LastIndex);
        SetGoverning(members, index, term, members is not null && index >= log.FirstIndex);
    }

    /// <summary>Makes <paramref name="members"/> govern (null: the initial configuration) and rebuilds who votes
    /// and who is replicated to.</summary>
    private void SetGoverning(GroupConfiguration? members, long index, long term, bool fromLog)
    {
        // The driver compacts under the node: if the entry of the configuration about to be replaced is gone from
        // the log, keep it as the one behind the log first. Otherwise a leader that appends a configuration after
        // compacting the previous one's entry, and then loses the new entry to truncation, finds no configuration
        // in its log and falls back to an older one (simulation, membership seed 771: a removed replica's stale
        // configuration then made two removed replicas a majority).
        if (!Faults.ForgetCompactedConfiguration) KeepCompactedConfiguration();
        governing = members;
        configIndex = index;
        configTerm = term;
        configFromLog = fromLog;
        var inForce = Configuration;
        voters = inForce.Voters.ToArray();
        replicationTargets = inForce.Members.Select(m => m.Id).Where(id => id != Id).ToArray();
        if (Role == StateRole.Leader) SyncProgress();
        _ = ConfigurationCommitted;
    }

    /// <summary>The latest configuration at or before <paramref name="atOrBefore"/>: a config entry in the log,
    /// else the one behind the log, else none.</summary>
    private (long Index, long Term, GroupConfiguration? Members) FindConfiguration(long atOrBefore)
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
                if (e.Type == EntryType.Config) return (e.Index, e.Term, ConfigurationCodec.DecodeConfiguration(e.Data));
            }
            high = low - 1;
        }
        if (behindLog is { } b) return (b.Index, b.Term, b.Configuration);
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
        configFromLog = false;
        // An installed snapshot replaced the log under a configuration older than its own: the snapshot's governs.
        if (behindLog is { } newer && newer.Index >= configIndex) return;
        behindLog = (configIndex, configTerm, governing);
    }

    /// <summary>Leader: a progress entry for every member (new ones start probing after the last entry, counted as
    /// recently active so CheckQuorum does not count them against the leader before they could answer), and none
    /// for replicas no longer members (the leader's own is kept while it leads).</summary>
    private void SyncProgress()
    {
        foreach (var id in replicationTargets)
        {
            if (progress.ContainsKey(id)) continue;
            progress[id] = new Progress(0, log.LastIndex + 1, config.MaxInflightMessages, config.MaxInflightSnapshotChunks) { RecentActive = true };
        }
        foreach (var id in progress.Keys.Where(id => id != Id && Array.IndexOf(replicationTargets, id) < 0).ToArray())
        {
            progress.Remove(id);
            if (leadTransferee == id) AbortLeaderTransfer();
        }
        ReleaseUnusedImage();
    }
}
