using RaftOrleans.Consensus;
using RaftOrleans.Consensus.Tests.Scenarios;
using RaftOrleans.Consensus.Tests.Support;
using Xunit;
using static RaftOrleans.Consensus.Tests.Support.Cluster;

namespace RaftOrleans.Consensus.Tests.Features;

/// <summary>PreVote (thesis §9.6): an election only happens if it could be won, and terms do not inflate.</summary>
public sealed class PreVoteTests
{
    [Fact]
    public void IsolatedReplicaNeverBumpsItsTerm()
    {
        var net = new Network(3);
        var leader = net.ElectLeader();
        var term = leader.Node.Term;
        var loner = net.Replicas.First(r => r.Id != leader.Id);

        net.Isolate(loner.Id);
        net.Tick(20 * loner.Config.ElectionTicks);

        Assert.Equal(term, loner.Node.Term);
        Assert.Equal(StateRole.PreCandidate, loner.Node.Role);

        net.Recover();
        net.Tick(5);
        Assert.Equal(term, leader.Node.Term);
        Assert.Equal(StateRole.Leader, leader.Node.Role);
        Assert.Equal(leader.Id, loner.Node.Leader);
    }

    [Fact]
    public void GrantingAPreVoteChangesNeitherTermNorVote()
    {
        var r = Replica(Config(1, 3), 2, 1, 2);

        r.Step(PreVote(2, 1, 3, 2, 2));

        var reply = Assert.Single(r.Drain());
        Assert.Equal((MessageType.PreVoteResponse, false, 3L), (reply.Type, reply.Reject, reply.Term));
        Assert.Equal(2, r.Node.Term);
        Assert.Equal(RaftNode.None, r.Node.Status().Vote);
        Assert.Null(r.Readies.Single().HardState);
    }

    [Fact]
    public void PreVoteIsRejectedForAStaleLog()
    {
        var r = Replica(Config(1, 3), 2, 1, 2);

        r.Step(PreVote(2, 1, 3, 5, 1));

        var reply = Assert.Single(r.Drain());
        Assert.True(reply.Reject);
        Assert.Equal(2, reply.Term);
    }

    [Fact]
    public void PreVoteIsIgnoredWhileTheVoterHearsALeader()
    {
        var r = Replica(Config(1, 3), 2, 1, 2);
        r.Step(Heartbeat(3, 1, 2));
        r.Drain();

        r.Step(PreVote(2, 1, 3, 2, 2));
        Assert.Empty(r.Drain());

        // Once an election timeout passed without the leader, the same request is granted.
        r.Tick(r.Config.ElectionTicks);
        r.Step(PreVote(2, 1, 3, 2, 2));
        Assert.False(Assert.Single(r.Drain().OfType(MessageType.PreVoteResponse)).Reject);
    }

    [Fact]
    public void PreCandidateStartsRealElectionOnlyAfterMajorityOfPreVotes()
    {
        var r = Replica(Config(1, 5), 2, 1);
        TickUntilCampaign(r);
        Assert.Equal((StateRole.PreCandidate, 2L), (r.Node.Role, r.Node.Term));

        r.Step(new Message { Type = MessageType.PreVoteResponse, From = 2, To = 1, Term = 3 });
        Assert.Equal((StateRole.PreCandidate, 2L), (r.Node.Role, r.Node.Term));
        // A grant from an older round (it carries our current term, not term + 1) does not count.
        r.Step(new Message { Type = MessageType.PreVoteResponse, From = 3, To = 1, Term = 2 });
        Assert.Equal(StateRole.PreCandidate, r.Node.Role);

        r.Step(new Message { Type = MessageType.PreVoteResponse, From = 4, To = 1, Term = 3 });
        Assert.Equal((StateRole.Candidate, 3L), (r.Node.Role, r.Node.Term));
        Assert.Equal(4, r.Drain().OfType(MessageType.Vote).Count);
    }

    [Fact]
    public void PreCandidateReturnsToFollowerWhenAMajorityRejects()
    {
        var r = Replica(Config(1, 3), 2, 1);
        TickUntilCampaign(r);

        r.Step(new Message { Type = MessageType.PreVoteResponse, From = 2, To = 1, Term = 2, Reject = true });
        r.Step(new Message { Type = MessageType.PreVoteResponse, From = 3, To = 1, Term = 2, Reject = true });

        Assert.Equal((StateRole.Follower, 2L), (r.Node.Role, r.Node.Term));
    }

    [Fact]
    public void PreCandidateAsksAgainEachHeartbeatUntilAVoterAnswers()
    {
        // A follower whose timeout fired one tick before the other follower's lease ran out: the first
        // request is ignored without an answer. Asking again each heartbeat interval wins the next tick,
        // instead of a whole new randomized election timeout later (what a leader kill measured here).
        var candidate = Replica(Config(1, 3), 2, 1);
        var voter = Replica(Config(3, 3), 2, 1);
        voter.Step(Heartbeat(2, 3, 2));
        voter.Drain();
        voter.Tick(voter.Config.ElectionTicks - 1);
        voter.Drain();
        TickUntilCampaign(candidate);
        var first = candidate.Drain().To(3, MessageType.PreVote).Single();

        voter.Step(first);
        Assert.Empty(voter.Drain()); // still in the old leader's lease: ignored, no answer

        voter.Tick();
        voter.Drain();
        candidate.Tick(candidate.Config.HeartbeatTicks);
        var again = Assert.Single(candidate.Drain().To(3, MessageType.PreVote));
        voter.Step(again);
        candidate.Step(Assert.Single(voter.Drain().OfType(MessageType.PreVoteResponse)));

        Assert.Equal((StateRole.Candidate, 3L), (candidate.Node.Role, candidate.Node.Term));
        candidate.Drain();
        candidate.Step(VoteResponse(3, 1, 3));
        Assert.Equal(StateRole.Leader, candidate.Node.Role);
    }

    [Fact]
    public void PreCandidateDoesNotAskAgainAVoterThatAnswered()
    {
        var r = Replica(Config(1, 3), 2, 1);
        TickUntilCampaign(r);
        r.Drain();
        r.Step(new Message { Type = MessageType.PreVoteResponse, From = 2, To = 1, Term = 2, Reject = true });

        r.Tick(r.Config.HeartbeatTicks);

        var retries = r.Drain().OfType(MessageType.PreVote);
        Assert.Equal([3], retries.Select(m => m.To));
    }
}
