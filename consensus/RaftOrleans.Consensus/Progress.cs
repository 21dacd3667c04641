namespace RaftOrleans.Consensus;

/// <summary>
/// The leader's bookkeeping for one follower (paper Figure 2 nextIndex/matchIndex, plus etcd's flow control):
/// where the logs match, what to send next, and whether sending is paused.
/// </summary>
internal sealed class Progress
{
    public Progress(long match, long next, int maxInflight, int maxInflightChunks = 1)
    {
        Match = match;
        Next = next;
        Inflights = new Inflights(maxInflight);
        SnapshotChunks = new Inflights(maxInflightChunks);
    }

    /// <summary>Highest index known to be replicated on the follower.</summary>
    public long Match { get; private set; }

    /// <summary>Next index to send.</summary>
    public long Next { get; private set; }

    /// <summary>Probe (find the match point, one message at a time) or Replicate (stream).</summary>
    public ProgressState State { get; private set; } = ProgressState.Probe;

    /// <summary>In Probe state: an append was sent and its answer (or a heartbeat answer) is awaited.</summary>
    public bool ProbeSent { get; set; }

    /// <summary>The follower answered since the last CheckQuorum round.</summary>
    public bool RecentActive { get; set; }

    /// <summary>Unacknowledged appends in Replicate state.</summary>
    public Inflights Inflights { get; }

    /// <summary>True when the leader must not send another append now (never while a snapshot is sent).</summary>
    public bool IsPaused => State switch
    {
        ProgressState.Probe => ProbeSent,
        ProgressState.Replicate => Inflights.Full,
        _ => true,
    };

    /// <summary>In Snapshot state: the image being sent.</summary>
    public SnapshotImage? Snapshot { get; private set; }

    /// <summary>In Snapshot state: every byte before this offset is acknowledged by the follower.</summary>
    public long SnapshotAcked { get; private set; }

    /// <summary>In Snapshot state: the next byte to send.</summary>
    public long SnapshotSent { get; private set; }

    /// <summary>In Snapshot state: the last chunk has been sent (since the last rewind).</summary>
    public bool SnapshotAllSent { get; private set; }

    /// <summary>In Snapshot state: ticks since the transfer last made progress.</summary>
    public int SnapshotIdleTicks { get; set; }

    /// <summary>Unacknowledged snapshot chunks, by end offset (flow control).</summary>
    public Inflights SnapshotChunks { get; }

    /// <summary>Starts sending <paramref name="image"/> from offset 0: the entries after Next are compacted.</summary>
    public void BecomeSnapshot(SnapshotImage image)
    {
        State = ProgressState.Snapshot;
        ProbeSent = false;
        Inflights.Reset();
        Snapshot = image;
        RewindSnapshot(0);
    }

    /// <summary>Sends again from <paramref name="offset"/> (a chunk or an ack was lost, or the follower lost
    /// its buffer and expects an earlier offset).</summary>
    public void RewindSnapshot(long offset)
    {
        SnapshotAcked = offset;
        SnapshotSent = offset;
        SnapshotAllSent = false;
        SnapshotIdleTicks = 0;
        SnapshotChunks.Reset();
    }

    /// <summary>Records a chunk ending at <paramref name="end"/> that was sent; <paramref name="last"/> if it is the final one.</summary>
    public void SentSnapshotChunk(long end, bool last)
    {
        SnapshotSent = end;
        SnapshotAllSent = last;
        SnapshotChunks.Add(end);
    }

    /// <summary>The follower has every byte before <paramref name="offset"/>. Returns false if that is not news.</summary>
    public bool SnapshotAcknowledged(long offset)
    {
        if (offset <= SnapshotAcked) return false;
        SnapshotAcked = offset;
        if (SnapshotSent < offset) SnapshotSent = offset;
        SnapshotIdleTicks = 0;
        SnapshotChunks.FreeUpTo(offset);
        return true;
    }

    /// <summary>The follower installed a snapshot ending at <paramref name="index"/>: replication resumes after it.</summary>
    public void SnapshotInstalled(long index)
    {
        if (Match < index) Match = index;
        Snapshot = null;
        BecomeProbe();
    }

    /// <summary>Stops a transfer (the follower turned out to need none): probe from the match point.</summary>
    public void AbortSnapshot()
    {
        Snapshot = null;
        BecomeProbe();
    }

    /// <summary>Switches to probing from just after the known match point.</summary>
    public void BecomeProbe()
    {
        Snapshot = null;
        State = ProgressState.Probe;
        Next = Match + 1;
        ProbeSent = false;
        Inflights.Reset();
    }

    /// <summary>Switches to streaming from just after the known match point.</summary>
    public void BecomeReplicate()
    {
        Snapshot = null;
        State = ProgressState.Replicate;
        Next = Match + 1;
        ProbeSent = false;
        Inflights.Reset();
    }

    /// <summary>Records that the follower's log matches up to <paramref name="index"/>. Returns false for a
    /// stale acknowledgement that tells nothing new.</summary>
    public bool MaybeUpdate(long index)
    {
        var updated = false;
        if (Match < index)
        {
            Match = index;
            updated = true;
            ProbeSent = false;
        }
        Next = Math.Max(Next, index + 1);
        return updated;
    }

    /// <summary>The leader's own log grew to <paramref name="lastIndex"/>. Only <see cref="Next"/> moves:
    /// the leader's own <see cref="Match"/> follows what is durable (<see cref="MaybeUpdate"/> from
    /// <see cref="RaftNode.Advance"/>), because the leader may send entries before it persists them.</summary>
    public void SelfAppended(long lastIndex)
    {
        Next = lastIndex + 1;
    }

    /// <summary>
    /// Handles a rejection of the append whose prevLogIndex was <paramref name="rejected"/>; the follower's
    /// hint, translated through the leader's log, says the logs may match up to <paramref name="matchHint"/>.
    /// Returns false when the rejection is stale (answers an append that is no longer the probe point).
    /// </summary>
    public bool MaybeDecreaseTo(long rejected, long matchHint)
    {
        // While a snapshot is sent, rejections answer appends sent before it: the snapshot repairs the log.
        if (State == ProgressState.Snapshot) return false;
        if (State == ProgressState.Replicate)
        {
            // In Replicate, Next ran ahead optimistically; anything at or below Match is an old answer.
            if (rejected <= Match) return false;
            BecomeProbe();
            return true;
        }
        // In Probe only the answer to the outstanding probe (prevLogIndex = Next - 1) counts.
        if (Next - 1 != rejected) return false;
        Next = Math.Max(Math.Min(rejected, matchHint + 1), Match + 1);
        ProbeSent = false;
        return true;
    }

    /// <summary>Records that an append ending at <paramref name="lastIndex"/> carrying <paramref name="count"/>
    /// entries was sent.</summary>
    public void SentAppend(int count, long lastIndex)
    {
        if (State == ProgressState.Replicate)
        {
            if (count == 0) return;
            Next = lastIndex + 1;
            Inflights.Add(lastIndex);
        }
        else
        {
            ProbeSent = true;
        }
    }
}
