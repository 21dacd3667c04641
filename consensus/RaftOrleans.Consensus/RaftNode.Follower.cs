namespace RaftOrleans.Consensus;

public sealed partial class RaftNode
{
    /// <summary>Follower, pre-candidate and candidate clock: start an election after a randomized timeout
    /// without hearing from a leader (paper §5.2).</summary>
    private void TickElection()
    {
        electionElapsed++;
        if (electionElapsed >= randomizedElectionTimeout && !Promotable)
        {
            // A learner, or a replica not (or no longer) in its own configuration, never campaigns.
            electionElapsed = 0;
        }
        else if (electionElapsed >= randomizedElectionTimeout)
        {
            electionElapsed = 0;
            Campaign(config.PreVote ? CampaignKind.PreElection : CampaignKind.Election);
        }
        else if (Role is StateRole.PreCandidate or StateRole.Candidate && electionElapsed % config.HeartbeatTicks == 0)
        {
            SendVoteRequests();
        }
    }

    private void StepFollower(Message m)
    {
        switch (m.Type)
        {
            case MessageType.Append:
                electionElapsed = 0;
                Leader = m.From;
                HandleAppend(m);
                break;
            case MessageType.Heartbeat:
                electionElapsed = 0;
                Leader = m.From;
                HandleHeartbeat(m);
                break;
            case MessageType.Snapshot:
                electionElapsed = 0;
                Leader = m.From;
                HandleSnapshot(m);
                break;
            case MessageType.TimeoutNow when Promotable:
                // The leader hands over (thesis §3.10): campaign now, skipping PreVote, flagged so that
                // voters still in the old leader's lease take part.
                Campaign(CampaignKind.Transfer);
                break;
        }
    }

    /// <summary>
    /// AppendEntries receiver (paper §5.3). Replies success with the last index now known to match, or a
    /// rejection with a conflict hint: the largest index not above min(prevLogIndex, our last index) whose
    /// term is at most prevLogTerm, and that entry's term. Entries above the hint cannot match the leader's
    /// prevLogTerm, so the leader may skip them all at once (etcd's findConflictByTerm idea).
    /// </summary>
    private void HandleAppend(Message m)
    {
        if (m.Index < log.Committed)
        {
            // Everything up to our commit index is already known to match the leader's log (Log Matching);
            // answering with it lets the leader resume from there.
            Send(new Message { Type = MessageType.AppendResponse, From = Id, To = m.From, Term = Term, Index = log.Committed });
            return;
        }

        var prevMatches = log.MatchTerm(m.Index, m.LogTerm);
        if (Faults.SkipAppendConsistencyCheck && m.Index <= log.LastIndex) prevMatches = true;
        if (prevMatches)
        {
            var lastNew = log.AppendAfter(m.Index, m.Commit, m.Entries);
            RefreshConfigurationAfterAppend(m.Entries);
            Send(new Message { Type = MessageType.AppendResponse, From = Id, To = m.From, Term = Term, Index = lastNew });
            return;
        }

        var hintIndex = log.FindConflictByTerm(Math.Min(m.Index, log.LastIndex), m.LogTerm);
        Send(new Message
        {
            Type = MessageType.AppendResponse, From = Id, To = m.From, Term = Term,
            Reject = true, Index = m.Index, RejectHint = hintIndex, LogTerm = log.TryTerm(hintIndex, out var hintTerm) ? hintTerm : 0,
        });
    }

    /// <summary>Heartbeat receiver: the leader sends min(our match, its commit), so the commit index can be
    /// adopted as is; the context is echoed to confirm a ReadIndex round.</summary>
    /// A commit beyond our last index means the leader counted entries this storage no longer holds (it was
    /// replaced under us, and the leader's match is our previous incarnation's): nothing is committed then.
    private void HandleHeartbeat(Message m)
    {
        if (m.Commit <= log.LastIndex) log.CommitTo(m.Commit);
        Send(new Message { Type = MessageType.HeartbeatResponse, From = Id, To = m.From, Term = Term, Context = m.Context });
    }
}
