namespace RaftOrleans.Consensus;

public sealed partial class RaftNode
{
    /// <summary>The replica leadership is being handed to, or <see cref="None"/>.</summary>
    private int leadTransferee;

    /// <summary>
    /// Hands leadership to <paramref name="target"/> (thesis §3.10): stop accepting proposals, bring the target's
    /// log up to date, then send it TimeoutNow so it campaigns at once. Gives up after an election timeout.
    /// Ignored when not leader, when the target is this replica or not a member, or when the same transfer
    /// is already under way; a transfer to another target replaces the current one.
    /// </summary>
    public void TransferLeadership(int target)
    {
        if (Role != StateRole.Leader || target == Id || !IsVoter(target) || target == leadTransferee) return;
        leadTransferee = target;
        // The transfer gets one full election timeout, measured on the leader's election clock.
        electionElapsed = 0;
        if (progress[target].Match == log.LastIndex) SendTimeoutNow(target);
        else SendAppend(target, sendIfEmpty: true);
    }

    private void SendTimeoutNow(int to) =>
        Send(new Message { Type = MessageType.TimeoutNow, From = Id, To = to, Term = Term });

    private void AbortLeaderTransfer() => leadTransferee = None;
}
