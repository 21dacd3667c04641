namespace RaftOrleans.Consensus;

/// <summary>Why a replica starts campaigning.</summary>
internal enum CampaignKind
{
    /// <summary>PreVote round first (thesis §9.6): ask without bumping the term.</summary>
    PreElection,
    /// <summary>Real election (paper §5.2).</summary>
    Election,
    /// <summary>Real election ordered by the leader through TimeoutNow (thesis §3.10).</summary>
    Transfer,
}

public sealed partial class RaftNode
{
    /// <summary>Votes received in the current (pre-)election: voter id → granted.</summary>
    private readonly Dictionary<int, bool> votes = [];

    /// <summary>True while the current round was ordered by the leader (TimeoutNow), so its retries say so too.</summary>
    private bool campaignIsTransfer;

    /// <summary>
    /// Starts a pre-election or an election: becomes (pre-)candidate, votes for itself, and asks every other
    /// voter. The self-vote of a real election is part of the hard state of the next Ready, so it is durable
    /// before any request leaves (paper Figure 2: persist before responding/sending).
    /// </summary>
    private void Campaign(CampaignKind kind)
    {
        if (kind == CampaignKind.PreElection) BecomePreCandidate();
        else BecomeCandidate();

        if (RecordVote(Id, granted: true) == VoteResult.Won)
        {
            // Single-voter group: nobody to ask.
            WinElection();
            return;
        }

        campaignIsTransfer = kind == CampaignKind.Transfer;
        SendVoteRequests();
    }

    /// <summary>
    /// Asks every voter that has not answered in this round. Called when the round starts and again every
    /// heartbeat interval while it runs (the paper's "servers retry RPCs if they do not receive a response
    /// in a timely manner", §5.1): a voter still inside its leader lease ignores a request without answering,
    /// and its lease may run out one tick later. Without the retry a pre-candidate waited a whole new
    /// randomized election timeout whenever the other follower's lease outlived its own timeout by a tick.
    /// A repeated request is harmless: vote grants are idempotent and PreVote changes no state.
    /// </summary>
    private void SendVoteRequests()
    {
        var isPre = Role == StateRole.PreCandidate;
        var request = isPre ? MessageType.PreVote : MessageType.Vote;
        var voteTerm = isPre ? Term + 1 : Term;
        var lastIndex = log.LastIndex;
        var lastTerm = log.LastTerm;
        foreach (var peer in Faults.LearnersVote ? replicationTargets : voters)
        {
            if (peer == Id || votes.ContainsKey(peer)) continue;
            Send(new Message
            {
                Type = request, From = Id, To = peer, Term = voteTerm,
                Index = lastIndex, LogTerm = lastTerm, LeaderTransfer = campaignIsTransfer,
            });
        }
    }

    /// <summary>Pre-candidate: same term, same vote; only the role and the leader change.</summary>
    private void BecomePreCandidate()
    {
        if (Role == StateRole.Leader) throw new InvalidOperationException("A leader cannot become a pre-candidate.");
        var term = Term;
        Reset(term);
        Role = StateRole.PreCandidate;
    }

    /// <summary>Candidate: new term, vote for itself (paper §5.2).</summary>
    private void BecomeCandidate()
    {
        if (Role == StateRole.Leader) throw new InvalidOperationException("A leader cannot become a candidate.");
        Reset(Term + 1);
        Vote = Id;
        Role = StateRole.Candidate;
    }

    private void StepCandidate(Message m)
    {
        switch (m.Type)
        {
            case MessageType.Append:
                // A leader exists in our term (§5.2: "if the AppendEntries RPC is from another server claiming
                // to be leader and its term is at least as large, the candidate returns to follower").
                BecomeFollower(Term, m.From);
                HandleAppend(m);
                break;
            case MessageType.Heartbeat:
                BecomeFollower(Term, m.From);
                HandleHeartbeat(m);
                break;
            case MessageType.Snapshot:
                BecomeFollower(Term, m.From);
                HandleSnapshot(m);
                break;
            case MessageType.PreVoteResponse when Role == StateRole.PreCandidate:
                // Grants carry the term we campaign for (Term + 1); rejections carry the voter's term, which
                // here equals ours. Anything else answers an older round.
                if (m.Term != (m.Reject ? Term : Term + 1)) return;
                OnVoteResponse(m);
                break;
            case MessageType.VoteResponse when Role == StateRole.Candidate:
                OnVoteResponse(m);
                break;
        }
    }

    private void OnVoteResponse(Message m)
    {
        switch (RecordVote(m.From, !m.Reject))
        {
            case VoteResult.Won:
                WinElection();
                break;
            case VoteResult.Lost:
                BecomeFollower(Term, None);
                break;
        }
    }

    /// <summary>Records a voter's first answer in this round and tallies. An answer from a replica that is not a
    /// voter of this candidate's configuration (a learner, a removed member) does not count.</summary>
    private VoteResult RecordVote(int voter, bool granted)
    {
        if (!IsVoter(voter) && !Faults.LearnersVote) return VoteResult.Pending;
        votes.TryAdd(voter, granted);
        var yes = votes.Count(v => v.Value);
        return Quorum.Tally(voters.Length, yes, votes.Count - yes);
    }

    private void WinElection()
    {
        if (Role == StateRole.PreCandidate) Campaign(CampaignKind.Election);
        else BecomeLeader();
    }
}
