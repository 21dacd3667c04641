namespace RaftOrleans.Consensus;

/// <summary>
/// One Raft replica as a pure, deterministic state machine (modelled on etcd-io/raft): no clock, no I/O,
/// no threads. The driver feeds it time (<see cref="Tick"/>), peer messages (<see cref="Step"/>) and client
/// requests (<see cref="Propose"/>, <see cref="ReadIndex"/>, <see cref="TransferLeadership"/>), then collects
/// the resulting work with <see cref="GetReady"/>, performs it in the order documented on <see cref="Ready"/>,
/// and acknowledges it with <see cref="Advance"/>. Not thread-safe: call from one logical thread.
/// </summary>
/// <remarks>
/// The class is split by concern into partial files: this one holds state, construction and the term
/// handling at the top of <see cref="Step"/>; the others hold each role's handlers, voting, replication,
/// ReadIndex, leadership transfer and the Ready hand-off.
/// </remarks>
public sealed partial class RaftNode
{
    /// <summary>"No replica": no leader known, no vote cast.</summary>
    public const int None = 0;

    private readonly RaftConfig config;
    private readonly Random random;
    private readonly RaftLog log;
    private readonly List<Message> outbox = [];
    private readonly IStateMachineSnapshotter? snapshotter;

    /// <summary>Ticks since the last election timeout reset (followers, candidates) or since the last
    /// CheckQuorum round (leader).</summary>
    private int electionElapsed;
    private int heartbeatElapsed;
    private int randomizedElectionTimeout;

    /// <summary>
    /// Creates a replica, or restarts one from its storage: term, vote and commit come from
    /// <see cref="IRaftLogStorage.InitialState"/>; committed entries after <paramref name="appliedIndex"/> are
    /// handed out again in <see cref="Ready.CommittedEntries"/>. The replica starts as a follower.
    /// </summary>
    /// <param name="config">Static configuration; validated here.</param>
    /// <param name="storage">The replica's persisted log and hard state.</param>
    /// <param name="random">Source of randomized election timeouts (seed it for reproducible runs).</param>
    /// <param name="appliedIndex">Highest index the state machine already applied (0 for a fresh one). After a
    /// compaction it must be at least the compaction point, <c>storage.FirstIndex() - 1</c> (the driver restores
    /// its state machine from the durable snapshot first).</param>
    /// <param name="snapshotter">Captures state-machine images for followers that need entries this replica has
    /// compacted (InstallSnapshot). Without one, such followers cannot be caught up by this replica.</param>
    /// <param name="snapshot">Metadata of the durable snapshot the driver restored its state machine from, if any:
    /// the group configuration it carries governs when the log holds no configuration entry any more.</param>
    public RaftNode(RaftConfig config, IRaftLogStorage storage, Random random, long appliedIndex = 0, IStateMachineSnapshotter? snapshotter = null,
        SnapshotMetadata? snapshot = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(random);
        config.Validate();
        this.config = config;
        this.random = random;
        this.snapshotter = snapshotter;
        initialConfiguration = GroupConfiguration.OfVoters(config.Peers.Order().ToArray());

        var hard = storage.InitialState();
        log = new RaftLog(storage, hard.Commit, appliedIndex);
        Term = hard.Term;
        Vote = hard.Vote;
        BecomeFollower(Term, None);
        prevHardState = hard;
        prevSoftState = new SoftState(None, StateRole.Follower);
        InitConfiguration(snapshot);
    }

    /// <summary>This replica's id.</summary>
    public int Id => config.Id;

    /// <summary>Current term.</summary>
    public long Term { get; private set; }

    /// <summary>Commit index (cheaper than <see cref="Status"/> for drivers that check it every batch).</summary>
    public long CommitIndex => log.Committed;

    /// <summary>Current role.</summary>
    public StateRole Role { get; private set; }

    /// <summary>The leader of the current term if known, else <see cref="None"/>.</summary>
    public int Leader { get; private set; }

    /// <summary>The candidate voted for in <see cref="Term"/>, or <see cref="None"/>.</summary>
    private int Vote { get; set; }

    /// <summary>Deliberate bugs for testing the checkers; all off by default. Settable so a simulation can
    /// share one switch board among all replicas, including restarted ones.</summary>
    internal RaftFaults Faults { get; set; } = new();

    /// <summary>A snapshot of this replica's state.</summary>
    public RaftStatus Status()
    {
        IReadOnlyList<PeerProgress> peers = Role == StateRole.Leader
            ? progress.OrderBy(p => p.Key)
                .Select(p => new PeerProgress(p.Key, p.Value.Match, p.Value.Next, p.Value.State, IsVoter: IsVoter(p.Key))).ToArray()
            : [];
        return new RaftStatus(Id, Term, Vote, Role, Leader, log.Committed, log.Applied, log.LastIndex, log.FirstIndex, peers);
    }

    /// <summary>Advances logical time by one tick: followers and candidates count toward an election
    /// timeout; a leader counts toward its next heartbeat and its CheckQuorum round.</summary>
    public void Tick()
    {
        if (Role == StateRole.Leader) TickLeader();
        else TickElection();
    }

    /// <summary>
    /// Processes one message from a peer. Term rules are applied once here (paper §5.1: a higher term always
    /// wins, a stale term is rejected), then the message goes to the handler of the current role.
    /// Messages addressed to another replica, from this replica, or from another incarnation of a member the
    /// governing configuration records (<see cref="IsExcluded"/>) are ignored. Messages from replicas outside
    /// this replica's configuration are processed: the configuration that added them may not have reached it yet
    /// (a leader elected under a newer configuration must still be able to catch it up), and a vote or an
    /// acknowledgement only ever counts when its sender is a voter of the configuration counting it.
    /// </summary>
    public void Step(Message m)
    {
        ArgumentNullException.ThrowIfNull(m);
        if (m.To != Id || m.From == Id || m.From <= None) return;
        // Disk-loss safety: another incarnation of a recorded voter is a stranger (RaftNode.Incarnations.cs).
        if (FromOtherIncarnation(m)) return;

        if (m.Term > Term)
        {
            if (!StepHigherTerm(m)) return;
        }
        else if (m.Term < Term)
        {
            RespondToStaleTerm(m);
            return;
        }

        if (m.Type is MessageType.Vote or MessageType.PreVote)
        {
            HandleVoteRequest(m);
            return;
        }

        switch (Role)
        {
            case StateRole.Follower:
                StepFollower(m);
                break;
            case StateRole.PreCandidate:
            case StateRole.Candidate:
                StepCandidate(m);
                break;
            case StateRole.Leader:
                StepLeader(m);
                MaybeAppendBootstrapConfiguration();
                break;
        }
    }

    /// <summary>
    /// A message from a higher term. Returns false when the message must be dropped without any effect.
    /// </summary>
    private bool StepHigherTerm(Message m)
    {
        if (m.Type is MessageType.Vote or MessageType.PreVote)
        {
            // Leader stickiness (thesis §4.2.3, §9.6): while we hear from a live leader, a replica that
            // merely lost contact must not disrupt it, so its request is ignored without a term change.
            // A campaign started by the leader itself (TimeoutNow) is the exception.
            if (!m.LeaderTransfer && InLeaderLease(m.Type)) return false;
            // A PreVote never changes terms: the sender has not bumped its own.
            if (m.Type == MessageType.PreVote) return true;
            BecomeFollower(m.Term, None);
            return true;
        }
        // A granted PreVote answer carries the term we would campaign in, not a term anyone is in.
        if (m.Type == MessageType.PreVoteResponse && !m.Reject) return true;

        var leader = m.Type is MessageType.Append or MessageType.Heartbeat or MessageType.Snapshot ? m.From : None;
        BecomeFollower(m.Term, leader);
        return true;
    }

    /// <summary>True when this replica heard from a leader within the election timeout and therefore
    /// refuses to take part in an election of type <paramref name="type"/>.</summary>
    private bool InLeaderLease(MessageType type)
    {
        // PreVote always checks (that is the point of PreVote, §9.6); a real Vote only under CheckQuorum,
        // where the leader's own step-down guarantees a lease never outlives a dead leader for long.
        var applies = type == MessageType.PreVote ? config.PreVote : config.CheckQuorum;
        return applies && Leader != None && electionElapsed < config.ElectionTicks;
    }

    /// <summary>
    /// A message from an older term. Requests are answered with our term so their sender learns it and
    /// steps down (paper §5.1: a request with a stale term is rejected, and the reply carries the current
    /// term). Under CheckQuorum this is also how a replica that bumped its term while partitioned rejoins:
    /// the others ignore its votes (stickiness), but the leader's next heartbeat draws a reply with the
    /// higher term, the leader steps down, and a fresh election includes everyone. Stale answers are dropped.
    /// </summary>
    private void RespondToStaleTerm(Message m)
    {
        var reply = m.Type switch
        {
            MessageType.Append => MessageType.AppendResponse,
            MessageType.Heartbeat => MessageType.HeartbeatResponse,
            MessageType.Vote => MessageType.VoteResponse,
            MessageType.PreVote => MessageType.PreVoteResponse,
            // Thesis §5 / paper Figure 13: InstallSnapshot is answered with the receiver's term.
            MessageType.Snapshot => MessageType.SnapshotResponse,
            _ => (MessageType?)null,
        };
        if (reply is { } type) Send(new Message { Type = type, From = Id, To = m.From, Term = Term, Reject = true });
    }

    private bool IsVoter(int id) => Array.BinarySearch(voters, id) >= 0;

    /// <summary>True when this replica may campaign: only a voter of its own configuration does (a learner, a new
    /// member not yet added, or a removed one never does).</summary>
    private bool Promotable => IsVoter(Id);

    private void Send(Message m) => outbox.Add(config.Incarnation == 0 ? m : m with { FromIncarnation = config.Incarnation });

    /// <summary>Common reset when entering a role: adopts <paramref name="term"/> (clearing the vote if the
    /// term changes), forgets the leader, restarts the timers and drops leader-only state.</summary>
    private void Reset(long term)
    {
        if (term != Term)
        {
            Term = term;
            Vote = None;
        }
        Leader = None;
        electionElapsed = 0;
        heartbeatElapsed = 0;
        randomizedElectionTimeout = config.ElectionTicks + random.Next(config.ElectionTicks);
        votes.Clear();
        leaderImage = null;
        leadTransferee = None;
        DropPendingReads();
        progress.Clear();
        broadcastPending = false;
    }

    /// <summary>Becomes a follower in <paramref name="term"/> of <paramref name="leader"/> (or none known).</summary>
    private void BecomeFollower(long term, int leader)
    {
        Reset(term);
        Role = StateRole.Follower;
        Leader = leader;
    }

    /// <summary>The randomized election timeout currently in force, in ticks (for tests).</summary>
    internal int RandomizedElectionTimeout => randomizedElectionTimeout;
}
