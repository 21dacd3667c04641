namespace RaftOrleans.Consensus;

public sealed partial class RaftNode
{
    private HardState prevHardState;
    private SoftState prevSoftState;

    /// <summary>The Ready handed out and not yet acknowledged, if any.</summary>
    private Ready? outstanding;

    private HardState CurrentHardState => new(Term, Vote, log.Committed);

    private SoftState CurrentSoftState => new(Leader, Role);

    /// <summary>True when <see cref="GetReady"/> would return a non-empty batch. False while a Ready is
    /// outstanding (between <see cref="GetReady"/> and <see cref="Advance"/>).</summary>
    public bool HasReady()
    {
        if (outstanding is not null) return false;
        return broadcastPending
            || outbox.Count > 0
            || log.HasUnstable
            || log.HasPendingSnapshot
            || log.HasNextCommitted
            || readStates.Count > 0
            || droppedReads.Count > 0
            || CurrentHardState != prevHardState
            || CurrentSoftState != prevSoftState;
    }

    /// <summary>
    /// Takes the pending work as one batch; see <see cref="Ready"/> for the order in which the driver must
    /// carry it out. Messages, read states and dropped reads are handed over exactly once. The node may keep
    /// receiving inputs before <see cref="Advance"/>; their effects go into the next batch.
    /// </summary>
    /// <exception cref="InvalidOperationException">The previous Ready was not advanced yet.</exception>
    public Ready GetReady()
    {
        if (outstanding is not null) throw new InvalidOperationException("Advance the previous Ready before taking another.");
        FlushPendingBroadcast();

        var hard = CurrentHardState;
        var soft = CurrentSoftState;
        HardState? persisted = null;
        if (hard != prevHardState)
        {
            persisted = hard;
            if (Faults.VoteNotPersisted) persisted = hard with { Vote = None };
        }
        var snapshot = log.TakePendingSnapshot();
        var committed = log.NextCommitted(config.MaxApplyBytes);
        // A leader's appends and heartbeats depend only on its term (durable since it campaigned) and on
        // entries it alone wrote in that term; a follower that acknowledges them has them durable itself.
        // So they may leave before this batch is persisted, overlapping the leader's write with the
        // followers' (Raft thesis §10.2.1) -- unless this batch changes the term or vote.
        var appendsEarly = Role == StateRole.Leader && hard.Term == prevHardState.Term && hard.Vote == prevHardState.Vote;
        var ready = new Ready
        {
            Snapshot = snapshot,
            SoftState = soft != prevSoftState ? soft : null,
            HardState = persisted,
            Entries = log.UnstableEntries(),
            Messages = outbox.ToArray(),
            AppendsMayPrecedePersist = appendsEarly,
            EverythingMayPrecedePersist = Faults.EverythingBeforePersist,
            SnapshotAckMayPrecedePersist = Faults.AckSnapshotBeforeDurable,
            CommittedEntries = committed,
            ReadStates = readStates.ToArray(),
            DroppedReads = droppedReads.ToArray(),
        };

        prevHardState = hard;
        prevSoftState = soft;
        outbox.Clear();
        readStates.Clear();
        droppedReads.Clear();
        if (committed.Count > 0) log.ApplyingTo(committed[^1].Index);
        outstanding = ready;
        return ready;
    }

    /// <summary>
    /// Acknowledges that <paramref name="ready"/> was carried out: its snapshot (if any) installed, its entries
    /// durable and its committed entries applied. After a snapshot the applied index is the snapshot's index.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="ready"/> is not the outstanding batch.</exception>
    public void Advance(Ready ready)
    {
        ArgumentNullException.ThrowIfNull(ready);
        if (!ReferenceEquals(ready, outstanding)) throw new ArgumentException("This Ready is not the outstanding one.", nameof(ready));
        outstanding = null;
        if (ready.Snapshot is not null) log.SnapshotPersisted(ready.Snapshot);
        if (ready.Entries.Count > 0)
        {
            var last = ready.Entries[^1];
            log.StableTo(last.Index, last.Term);
            // Now durable: the leader's own copy counts toward commit (see AppendAsLeader).
            if (Role == StateRole.Leader && progress.TryGetValue(Id, out var self) && self.MaybeUpdate(log.DurableLastIndex))
            {
                AdvanceCommit();
            }
        }
        if (ready.CommittedEntries.Count > 0) log.AppliedTo(ready.CommittedEntries[^1].Index);
    }
}
