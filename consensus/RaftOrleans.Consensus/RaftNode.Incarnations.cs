namespace RaftOrleans.Consensus;

/// <summary>
/// Disk-loss safety (issue #13 item 4). Each replica's storage has an incarnation
/// (<see cref="RaftConfig.Incarnation"/>) and stamps it on every message. The group configuration
/// (RaftNode.Configuration.cs) records each member's incarnation. A message from a recorded member under another
/// incarnation is dropped before anything looks at it, so a replica that restarted on a blank disk under its old
/// id never votes, acknowledges or confirms a read. The first configuration is written by a leader that heard
/// every voter and commits only when every voter acknowledged it (before it is everywhere, a blank replica cannot
/// be told from a founding one); nothing else commits before it, and proposals wait for it.
/// </summary>
public sealed partial class RaftNode
{
    /// <summary>Incarnations seen on messages, by sender: what a leader writes into the first configuration, and
    /// into the one that promotes a learner whose incarnation was unknown.</summary>
    private readonly Dictionary<int, long> learnedIncarnations = [];

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
    public bool IsExcluded => IncarnationsOn && governing?.Find(Id) is { Incarnation: var recorded } && recorded != 0
        && recorded != config.Incarnation;

    /// <summary>Messages dropped because they came from another incarnation of a recorded member (for logs and metrics).</summary>
    public long MessagesFromOtherIncarnations { get; private set; }

    /// <summary>The incarnation each member has in the governing configuration, or null while none is known.</summary>
    public IReadOnlyDictionary<int, long>? Incarnations => governing?.Members.ToDictionary(m => m.Id, m => m.Incarnation);

    /// <summary>
    /// Drops a message from another incarnation of a recorded member that the receiver would count or vote on;
    /// otherwise remembers the sender's incarnation.
    /// </summary>
    /// <remarks>
    /// What must never come from a replaced replica under its old identity is a vote, an acknowledgement or a read
    /// confirmation (every response type), and an election it could win: its own vote for itself may repeat one it
    /// gave before its disk was lost, so its vote requests are dropped too. A leader's requests (appends, heartbeats,
    /// snapshots, TimeoutNow) are taken from any incarnation: a leader was elected by a majority that recognised
    /// its incarnation, and a receiver whose own configuration is older than the leader's (a replica refilled from
    /// index 1 replays the founding configuration, which records a since-replaced leader under its lost
    /// incarnation) must still accept the appends that bring it the newer configuration; found by the nemesis,
    /// campaign seed 5003, and by <c>Features/IncarnationTests</c>.
    /// </remarks>
    private bool FromOtherIncarnation(Message m)
    {
        if (!IncarnationsOn) return false;
        if (!Faults.IgnoreIncarnations && !IsLeaderRequest(m.Type) && governing?.Find(m.From) is { Incarnation: var recorded }
            && recorded != 0 && recorded != m.FromIncarnation)
        {
            MessagesFromOtherIncarnations++;
            return true;
        }
        if (m.FromIncarnation != 0) learnedIncarnations[m.From] = m.FromIncarnation;
        return false;
    }

    private static bool IsLeaderRequest(MessageType type) =>
        type is MessageType.Append or MessageType.Heartbeat or MessageType.Snapshot or MessageType.TimeoutNow;

    /// <summary>
    /// Leader without any configuration: once it has heard every voter's incarnation (votes, append and heartbeat
    /// answers all carry it), it appends the first configuration entry. It commits only unanimously (AdvanceCommit).
    /// </summary>
    private void MaybeAppendBootstrapConfiguration()
    {
        if (!IncarnationsOn || Role != StateRole.Leader || governing is not null) return;
        learnedIncarnations[Id] = config.Incarnation;
        var members = new List<GroupMember>(voters.Length);
        foreach (var id in voters)
        {
            if (!learnedIncarnations.TryGetValue(id, out var incarnation)) return;
            members.Add(new GroupMember(id, incarnation, IsVoter: true, config.PeerLocations?.GetValueOrDefault(id) ?? ""));
        }
        var configuration = new GroupConfiguration(members);
        var entry = new Entry(Term, log.LastIndex + 1, EntryType.Config, ConfigurationCodec.Encode(configuration));
        AppendAsLeader(entry);
        SetGoverning(configuration, entry.Index, entry.Term, fromLog: true);
        if (replicationTargets.Length > 0) broadcastPending = true;
    }

    /// <summary>
    /// The index a leader may commit to before a configuration is committed: only through a configuration entry
    /// that every voter holds (the smallest match of all), else nothing.
    /// </summary>
    private long BootstrapCommitCandidate()
    {
        if (governing is null || !configFromLog) return 0;
        var unanimous = voters.Min(v => progress[v].Match);
        return unanimous >= configIndex ? unanimous : 0;
    }
}
