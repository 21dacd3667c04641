namespace RaftOrleans.Consensus;

public sealed partial class RaftNode
{
    /// <summary>
    /// RequestVote / PreVote receiver, the same for every role (paper §5.2, §5.4.1; thesis §9.6). The request's
    /// term is at least ours here (higher terms were adopted, or ignored under the leader lease, in Step).
    /// Grant when (a) we may vote for this candidate — already voted for it, or no vote and no known leader in
    /// this term, or it is a PreVote for a later term — and (b) its log is at least as up to date as ours.
    /// A granted real vote is recorded before the reply is handed out, so the Ready that carries the reply
    /// also carries the vote in its hard state and the driver persists it first.
    /// </summary>
    private void HandleVoteRequest(Message m)
    {
        var isPreVote = m.Type == MessageType.PreVote;
        var canVote = Vote == m.From
            || (Vote == None && Leader == None)
            || (isPreVote && m.Term > Term);
        if (Faults.DoubleVote && Leader == None) canVote = true;

        var upToDate = log.IsUpToDate(m.Index, m.LogTerm);
        if (Faults.GrantVoteToStaleLog) upToDate = true;

        var response = isPreVote ? MessageType.PreVoteResponse : MessageType.VoteResponse;
        if (canVote && upToDate)
        {
            // A PreVote grant answers in the term asked about, so the pre-candidate can tell rounds apart.
            Send(new Message { Type = response, From = Id, To = m.From, Term = m.Term });
            if (!isPreVote)
            {
                electionElapsed = 0;
                Vote = m.From;
            }
        }
        else
        {
            Send(new Message { Type = response, From = Id, To = m.From, Term = Term, Reject = true });
        }
    }
}
