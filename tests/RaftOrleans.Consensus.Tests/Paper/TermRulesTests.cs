using RaftOrleans.Consensus;
using RaftOrleans.Consensus.Tests.Support;
using Xunit;
using static RaftOrleans.Consensus.Tests.Support.Cluster;

namespace RaftOrleans.Consensus.Tests.Paper;

/// <summary>Paper §5.1: terms act as a logical clock.</summary>
public sealed class TermRulesTests
{
    /// <summary>§5.1: "If a server's current term is smaller than the other's, it updates its current term to
    /// the larger value. If a candidate or leader discovers that its term is out of date, it immediately
    /// reverts to follower state." Checked for every role.</summary>
    [Theory]
    [InlineData(StateRole.Follower)]
    [InlineData(StateRole.PreCandidate)]
    [InlineData(StateRole.Candidate)]
    [InlineData(StateRole.Leader)]
    public void ServerAdoptsHigherTermAndRevertsToFollower(StateRole role)
    {
        var r = new Replica(Config(1, 3, preVote: role == StateRole.PreCandidate));
        BringTo(r, role);
        var newTerm = r.Node.Term + 5;

        r.Step(Append(2, 1, newTerm, 0, 0, 0));

        Assert.Equal(newTerm, r.Node.Term);
        Assert.Equal(StateRole.Follower, r.Node.Role);
        Assert.Equal(2, r.Node.Leader);
        Assert.Equal(newTerm, r.Drain().Single().Term);
    }

    /// <summary>§5.1: "If a server receives a request with a stale term number, it rejects the request";
    /// the reply carries the current term so the sender can update itself. The log is untouched.</summary>
    [Theory]
    [InlineData(MessageType.Append, MessageType.AppendResponse)]
    [InlineData(MessageType.Heartbeat, MessageType.HeartbeatResponse)]
    [InlineData(MessageType.Vote, MessageType.VoteResponse)]
    [InlineData(MessageType.PreVote, MessageType.PreVoteResponse)]
    public void StaleTermRequestIsRejectedWithCurrentTerm(MessageType request, MessageType expectedReply)
    {
        var r = Replica(Config(1, 3), 5, 1, 2);
        var m = new Message
        {
            Type = request, From = 2, To = 1, Term = 3, Index = 2, LogTerm = 2, Commit = 2,
            Entries = request == MessageType.Append ? [new Entry(3, 3, EntryType.Normal, [])] : [],
        };

        r.Step(m);

        var reply = Assert.Single(r.Drain());
        Assert.Equal(expectedReply, reply.Type);
        Assert.Equal(5, reply.Term);
        Assert.True(reply.Reject);
        Assert.Equal(5, r.Node.Term);
        Assert.Equal(2, r.Node.Status().LastIndex);
        Assert.Equal(0, r.Node.Status().Commit);
        Assert.Equal(RaftNode.None, r.Node.Status().Vote);
    }

    /// <summary>§5.1: a stale leader that receives a reply carrying a newer term steps down.</summary>
    [Fact]
    public void LeaderStepsDownOnReplyWithHigherTerm()
    {
        var r = new Replica(Config(1, 3));
        ElectLeader(r);
        var term = r.Node.Term;

        r.Step(new Message { Type = MessageType.AppendResponse, From = 2, To = 1, Term = term + 1, Reject = true });

        Assert.Equal(StateRole.Follower, r.Node.Role);
        Assert.Equal(term + 1, r.Node.Term);
        Assert.Equal(RaftNode.None, r.Node.Leader);
    }

    internal static void BringTo(Replica r, StateRole role)
    {
        switch (role)
        {
            case StateRole.Follower:
                return;
            case StateRole.PreCandidate:
                TickUntilCampaign(r);
                break;
            case StateRole.Candidate:
                r.Step(new Message { Type = MessageType.TimeoutNow, From = 2, To = 1, Term = r.Node.Term });
                break;
            case StateRole.Leader:
                ElectLeader(r);
                break;
        }
        Assert.Equal(role, r.Node.Role);
        r.Drain();
    }
}
