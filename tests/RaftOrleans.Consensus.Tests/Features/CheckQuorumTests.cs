using RaftOrleans.Consensus;
using RaftOrleans.Consensus.Tests.Support;
using Xunit;
using static RaftOrleans.Consensus.Tests.Support.Cluster;

namespace RaftOrleans.Consensus.Tests.Features;

/// <summary>CheckQuorum and leader stickiness (thesis §4.2.3, §6.2).</summary>
public sealed class CheckQuorumTests
{
    [Fact]
    public void LeaderThatHearsNoQuorumStepsDownAfterAnElectionTimeout()
    {
        var r = new Replica(Config(1, 3));
        ElectLeader(r);

        r.Tick(r.Config.ElectionTicks - 1);
        Assert.Equal(StateRole.Leader, r.Node.Role);
        r.Tick();

        Assert.Equal(StateRole.Follower, r.Node.Role);
        Assert.Equal(RaftNode.None, r.Node.Leader);
    }

    [Fact]
    public void LeaderThatHearsAQuorumStaysLeader()
    {
        var r = new Replica(Config(1, 3));
        ElectLeader(r);
        var term = r.Node.Term;

        for (var i = 0; i < 10 * r.Config.ElectionTicks; i++)
        {
            r.Tick();
            r.Step(HeartbeatResponse(2, 1, term));
        }

        Assert.Equal((StateRole.Leader, term), (r.Node.Role, r.Node.Term));
    }

    [Fact]
    public void WithoutCheckQuorumAnIsolatedLeaderKeepsLeading()
    {
        var r = new Replica(Config(1, 3, checkQuorum: false));
        ElectLeader(r);

        r.Tick(10 * r.Config.ElectionTicks);

        Assert.Equal(StateRole.Leader, r.Node.Role);
    }

    [Fact]
    public void FollowerHearingALiveLeaderIgnoresHigherTermVote()
    {
        var r = Replica(Config(1, 3), 2, 1);
        r.Step(Heartbeat(3, 1, 2));
        r.Drain();

        r.Step(Vote(2, 1, 3, 5, 2));

        Assert.Empty(r.Drain());
        Assert.Equal((2L, 3), (r.Node.Term, r.Node.Leader));
    }

    [Fact]
    public void FollowerWhoseLeaderWentSilentTakesPartInAHigherTermElection()
    {
        var r = Replica(Config(1, 3), 2, 1);
        r.Step(Heartbeat(3, 1, 2));
        r.Tick(r.Config.ElectionTicks);
        r.Drain();

        r.Step(Vote(2, 1, 3, 5, 2));

        Assert.False(Assert.Single(r.Drain()).Reject);
        Assert.Equal((3L, 2), (r.Node.Term, r.Node.Status().Vote));
    }

    [Fact]
    public void LeaderTransferVoteIsNotIgnoredDuringTheLease()
    {
        var r = Replica(Config(1, 3), 2, 1);
        r.Step(Heartbeat(3, 1, 2));
        r.Drain();

        r.Step(Vote(2, 1, 3, 1, 1, transfer: true));

        Assert.False(Assert.Single(r.Drain()).Reject);
        Assert.Equal(3, r.Node.Term);
    }

    [Fact]
    public void LeaderIgnoresHigherTermVoteFromADisruptiveReplica()
    {
        var r = new Replica(Config(1, 3));
        ElectLeader(r);
        var term = r.Node.Term;
        r.Drain();

        r.Step(Vote(2, 1, term + 3, 100, term));

        Assert.Empty(r.Drain());
        Assert.Equal((StateRole.Leader, term), (r.Node.Role, r.Node.Term));
    }
}
