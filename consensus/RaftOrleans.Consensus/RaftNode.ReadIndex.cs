namespace RaftOrleans.Consensus;

public sealed partial class RaftNode
{
    private readonly ReadIndexTracker readIndex = new();

    /// <summary>Reads that arrived before this leader committed an entry of its own term.</summary>
    private readonly List<long> readsAwaitingTermCommit = [];

    private readonly List<ReadState> readStates = [];
    private readonly List<long> droppedReads = [];

    /// <summary>
    /// Starts a linearizable read (thesis §6.4). The leader records its commit index, confirms it is still
    /// leader with a heartbeat round acknowledged by a majority, then releases a <see cref="ReadState"/> in a
    /// later <see cref="Ready"/>; the read may be served once the state machine has applied that index. A new
    /// leader first waits until its no-op commits (before that its commit index may be behind). If leadership
    /// is lost first, the context appears in <see cref="Ready.DroppedReads"/>.
    /// </summary>
    /// <param name="context">Caller's request id: non-zero, and never reused while the request may be pending.</param>
    /// <returns>False when this replica is not the leader (redirect to <see cref="Leader"/>).</returns>
    public bool ReadIndex(long context)
    {
        if (context == 0) throw new ArgumentOutOfRangeException(nameof(context), "Context 0 means 'no read'.");
        if (Role != StateRole.Leader) return false;
        if (readIndex.Contains(context) || readsAwaitingTermCommit.Contains(context)) return true;

        if (!CommittedInCurrentTerm())
        {
            readsAwaitingTermCommit.Add(context);
            return true;
        }
        StartReadIndex(context);
        return true;
    }

    private bool CommittedInCurrentTerm() => log.Term(log.Committed) == Term;

    private void StartReadIndex(long context)
    {
        var skipConfirmation = Faults.ReadIndexWithoutHeartbeat;
        if ((voters.Length == 1 && voters[0] == Id) || skipConfirmation)
        {
            // A single voter is its own majority: nothing to confirm.
            readStates.Add(new ReadState(log.Committed, context));
            return;
        }
        // A leader that its pending configuration removes does not count itself.
        readIndex.Add(log.Committed, context, IsVoter(Id) ? Id : None);
        BroadcastHeartbeat(context);
    }

    private void OnReadIndexAck(int from, long context)
    {
        if (!IsVoter(from)) return; // a learner's answer confirms nothing
        var acks = readIndex.Acknowledge(from, context);
        if (acks > 0 && Quorum.HasQuorum(voters.Length, acks)) readStates.AddRange(readIndex.ReleaseThrough(context));
    }

    /// <summary>The commit index moved: reads that waited for the first commit of this term may start.</summary>
    private void OnLeaderCommitAdvanced()
    {
        if (readsAwaitingTermCommit.Count == 0 || !CommittedInCurrentTerm()) return;
        var waiting = readsAwaitingTermCommit.ToArray();
        readsAwaitingTermCommit.Clear();
        foreach (var context in waiting) StartReadIndex(context);
    }

    /// <summary>Leadership is gone: every unconfirmed read is reported dropped so the driver can fail it.</summary>
    private void DropPendingReads()
    {
        droppedReads.AddRange(readsAwaitingTermCommit);
        readsAwaitingTermCommit.Clear();
        droppedReads.AddRange(readIndex.DropAll());
    }
}
