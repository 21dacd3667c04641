namespace RaftOrleans.Consensus;

public sealed partial class RaftNode
{
    /// <summary>Leader's per-member replication state (itself included, learners too).</summary>
    private readonly Dictionary<int, Progress> progress = [];

    /// <summary>Proposals were appended since the last broadcast; they go out together at the next
    /// <see cref="GetReady"/> so that proposals arriving between two Ready batches share Append messages.</summary>
    private bool broadcastPending;

    /// <summary>
    /// Becomes leader of the current term: every follower starts in Probe just after our last entry, and a
    /// no-op of the new term is appended. Until an entry of its own term commits, a leader does not know which
    /// earlier entries are committed (§5.4.2, §8); the no-op gets there without waiting for a client.
    /// </summary>
    private void BecomeLeader()
    {
        if (Role == StateRole.Follower) throw new InvalidOperationException("A follower cannot become leader directly.");
        Reset(Term);
        Role = StateRole.Leader;
        Leader = Id;
        var last = log.LastIndex;
        foreach (var id in replicationTargets.Append(Id))
        {
            // The leader's own match is what it has made durable, never more (see Advance).
            progress[id] = new Progress(id == Id ? Math.Min(last, log.DurableLastIndex) : 0, last + 1, config.MaxInflightMessages,
                config.MaxInflightSnapshotChunks)
            {
                RecentActive = id == Id,
            };
        }
        progress[Id].BecomeReplicate();

        AppendAsLeader(new Entry(Term, last + 1, EntryType.Noop, []));
        MaybeAppendBootstrapConfiguration();
        BroadcastAppend(sendIfEmpty: true);
    }

    /// <summary>
    /// Appends an entry created by this leader. It counts as replicated on the leader itself only once
    /// the driver has made it durable (<see cref="Advance"/>): the leader's appends may go out before its
    /// own write (<see cref="Ready.AppendsMayPrecedePersist"/>), so a commit counted on an entry the
    /// leader has not persisted could be lost with it.
    /// </summary>
    private void AppendAsLeader(Entry entry)
    {
        log.Append([entry]);
        progress[Id].SelfAppended(entry.Index);
    }

    /// <summary>
    /// Appends a client command to the leader's log (paper §5.3). Refused when not leader, during a
    /// leadership transfer, or when too many entries are uncommitted (back-pressure).
    /// </summary>
    /// <param name="command">Opaque command bytes for the state machine; not copied, must not be mutated.</param>
    public ProposeResult Propose(byte[] command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (Role != StateRole.Leader) return new ProposeResult(ProposeOutcome.NotLeader, 0, 0, Leader);
        if (leadTransferee != None) return new ProposeResult(ProposeOutcome.TransferInProgress, 0, 0, Leader);
        if (!ConfigurationCommitted) return new ProposeResult(ProposeOutcome.ConfigurationPending, 0, 0, Leader);
        if (log.LastIndex - log.Committed >= config.MaxUncommittedEntries)
            return new ProposeResult(ProposeOutcome.Throttled, 0, 0, Leader);

        var entry = new Entry(Term, log.LastIndex + 1, EntryType.Normal, command);
        AppendAsLeader(entry);
        if (replicationTargets.Length > 0) broadcastPending = true;
        return new ProposeResult(ProposeOutcome.Accepted, entry.Index, entry.Term, Id);
    }

    /// <summary>Leader clock: heartbeats every <see cref="RaftConfig.HeartbeatTicks"/>; every
    /// <see cref="RaftConfig.ElectionTicks"/> a CheckQuorum round and the leadership-transfer deadline.</summary>
    private void TickLeader()
    {
        heartbeatElapsed++;
        electionElapsed++;
        if (electionElapsed >= config.ElectionTicks)
        {
            electionElapsed = 0;
            if (config.CheckQuorum && !QuorumRecentlyActive())
            {
                // Cannot hear a majority: another leader may already exist. Stepping down bounds how long a
                // deposed leader believes it leads (and lets followers' leases expire consistently).
                BecomeFollower(Term, None);
                return;
            }
            if (leadTransferee != None) AbortLeaderTransfer();
        }
        TickSnapshotTransfers();
        if (heartbeatElapsed >= config.HeartbeatTicks)
        {
            heartbeatElapsed = 0;
            BroadcastHeartbeat(readIndex.LastPendingContext);
        }
    }

    /// <summary>True when a majority of the voters (the leader included, if it votes) answered since the last
    /// round; starts a new round. Learners answer too but do not count.</summary>
    private bool QuorumRecentlyActive()
    {
        var active = 0;
        foreach (var id in voters)
        {
            if (id == Id || progress[id].RecentActive) active++;
        }
        foreach (var (id, pr) in progress)
        {
            if (id != Id) pr.RecentActive = false;
        }
        return Quorum.HasQuorum(voters.Length, active);
    }

    private void StepLeader(Message m)
    {
        switch (m.Type)
        {
            case MessageType.AppendResponse:
                HandleAppendResponse(m);
                break;
            case MessageType.HeartbeatResponse:
                HandleHeartbeatResponse(m);
                break;
            case MessageType.SnapshotResponse:
                HandleSnapshotResponse(m);
                break;
        }
    }

    private void HandleAppendResponse(Message m)
    {
        if (!progress.TryGetValue(m.From, out var pr)) return; // not a member (any more)
        pr.RecentActive = true;

        if (m.Reject)
        {
            // Translate the follower's hint through our own log: skip every entry of ours whose term is above
            // the follower's term at the hint, since none of them can match (fast backtracking).
            var matchHint = m.LogTerm > 0 ? log.FindConflictByTerm(m.RejectHint, m.LogTerm) : m.RejectHint;
            if (pr.MaybeDecreaseTo(m.Index, matchHint)) SendAppend(m.From, sendIfEmpty: true);
            return;
        }

        var wasPaused = pr.IsPaused;
        if (!pr.MaybeUpdate(m.Index)) return;
        // An append answered during a transfer proves the follower no longer needs the snapshot once the
        // entries after its match point are still held (etcd: StateSnapshot -> Probe).
        if (pr.State == ProgressState.Snapshot && pr.Match + 1 >= log.FirstIndex) AbortSnapshot(pr);
        if (pr.State == ProgressState.Probe) pr.BecomeReplicate();
        else pr.Inflights.FreeUpTo(m.Index);

        if (!AdvanceCommit() && wasPaused) SendAppend(m.From, sendIfEmpty: true);
        // Fill the pipelining window with whatever is left to send.
        while (SendAppend(m.From, sendIfEmpty: false))
        {
        }

        if (m.From == leadTransferee && pr.Match == log.LastIndex) SendTimeoutNow(m.From);
    }

    private void HandleHeartbeatResponse(Message m)
    {
        if (!progress.TryGetValue(m.From, out var pr)) return;
        pr.RecentActive = true;
        pr.ProbeSent = false;
        // The follower is alive but the window is full: the appends in it were probably lost. Free one slot
        // so replication (and the follower's rejection that resets us to Probe) can resume.
        if (pr.State == ProgressState.Replicate && pr.Inflights.Full) pr.Inflights.FreeFirst();
        if (pr.Match < log.LastIndex) SendAppend(m.From, sendIfEmpty: true);

        if (m.Context != None) OnReadIndexAck(m.From, m.Context);
    }

    /// <summary>
    /// Commits the highest index replicated on a majority, but only if that entry is of the current term
    /// (paper §5.4.2, Figure 8): entries of earlier terms are committed indirectly. On progress, tells the
    /// followers and releases reads that waited for the leader's first commit. Returns true if it advanced.
    /// With incarnations on and no configuration committed yet, only <see cref="BootstrapCommitCandidate"/> counts.
    /// Only the voters of the configuration in force count (thesis §4.1: the latest in the log, committed or not);
    /// a leader that the configuration removes does not count itself (§4.2.2).
    /// </summary>
    private bool AdvanceCommit()
    {
        // Before a configuration is committed only the first one may commit, and only unanimously.
        var candidate = ConfigurationCommitted
            ? Quorum.CommittedIndex(CommitQuorumMatches())
            : BootstrapCommitCandidate();
        if (candidate <= log.Committed) return false;
        var ofCurrentTerm = log.Term(candidate) == Term;
        if (Faults.CommitOldTermEntries) ofCurrentTerm = true;
        if (!ofCurrentTerm) return false;

        log.CommitTo(candidate);
        OnLeaderCommitAdvanced();
        if (replicationTargets.Length > 0) BroadcastAppend(sendIfEmpty: true);
        StepDownIfRemoved();
        return true;
    }

    /// <summary>Sends every follower what it is owed, filling Replicate followers' windows.</summary>
    private void BroadcastAppend(bool sendIfEmpty)
    {
        foreach (var id in replicationTargets)
        {
            if (!SendAppend(id, sendIfEmpty)) continue;
            while (SendAppend(id, sendIfEmpty: false))
            {
            }
        }
    }

    /// <summary>Sends the entries from the follower's Next, limited by count and bytes, unless the follower is
    /// paused (Probe awaiting an answer, or a full in-flight window). Returns true if a message was sent.</summary>
    private bool SendAppend(int to, bool sendIfEmpty)
    {
        // Not a member any more, or this replica stopped leading while handling the answer that led here.
        if (!progress.TryGetValue(to, out var pr) || Role != StateRole.Leader) return false;
        if (pr.IsPaused) return false;

        var prevIndex = pr.Next - 1;
        // The entries the follower needs are compacted: only a snapshot can catch it up.
        if (!log.TryTerm(prevIndex, out var prevTerm)) return StartSnapshot(to, pr);
        var high = Math.Min(log.LastIndex + 1, pr.Next + config.MaxEntriesPerMessage);
        var entries = log.Slice(pr.Next, high, config.MaxBytesPerMessage);
        if (entries.Count == 0 && !sendIfEmpty) return false;

        Send(new Message
        {
            Type = MessageType.Append, From = Id, To = to, Term = Term,
            Index = prevIndex, LogTerm = prevTerm, Entries = entries, Commit = log.Committed,
        });
        pr.SentAppend(entries.Count, prevIndex + entries.Count);
        return true;
    }

    /// <summary>Heartbeats carry min(follower's match, commit): a follower must never be told to commit an
    /// index it might hold a different entry at.</summary>
    private void BroadcastHeartbeat(long context)
    {
        foreach (var id in replicationTargets)
        {
            Send(new Message
            {
                Type = MessageType.Heartbeat, From = Id, To = id, Term = Term,
                Commit = Math.Min(progress[id].Match, log.Committed), Context = context,
            });
        }
    }

    /// <summary>Sends the Append messages owed for proposals made since the last Ready.</summary>
    private void FlushPendingBroadcast()
    {
        if (!broadcastPending) return;
        broadcastPending = false;
        if (Role == StateRole.Leader) BroadcastAppend(sendIfEmpty: false);
    }
}
