using RaftOrleans.Consensus;
using RaftOrleans.Consensus.Tests.Scenarios;
using Xunit;

namespace RaftOrleans.Consensus.Tests.Features;

/// <summary>Leadership transfer (thesis §3.10).</summary>
public sealed class LeadershipTransferTests
{
    [Fact]
    public void TransferToAnUpToDateFollowerMakesItLeaderInTheNextTerm()
    {
        var net = new Network(3);
        var leader = net.ElectLeader();
        var term = leader.Node.Term;
        var target = net.Replicas.First(r => r.Id != leader.Id);
        net.Propose("x");

        leader.Node.TransferLeadership(target.Id);
        net.DeliverAll();

        Assert.Equal((StateRole.Leader, term + 1), (target.Node.Role, target.Node.Term));
        Assert.Equal((StateRole.Follower, target.Id), (leader.Node.Role, leader.Node.Leader));
        Assert.Contains(net.Delivered, m => m.Type == MessageType.TimeoutNow && m.To == target.Id);
    }

    [Fact]
    public void LaggingTargetIsCaughtUpBeforeTimeoutNow()
    {
        var net = new Network(3);
        var leader = net.ElectLeader();
        var target = net.Replicas.First(r => r.Id != leader.Id);
        net.Cut(leader.Id, target.Id);
        for (var i = 0; i < 5; i++) net.Propose($"x{i}");
        net.Recover();
        var last = leader.Node.Status().LastIndex;
        Assert.True(target.Node.Status().LastIndex < last);

        leader.Node.TransferLeadership(target.Id);
        net.DeliverAll();

        var timeoutNow = net.Delivered.FindIndex(m => m.Type == MessageType.TimeoutNow);
        var caughtUp = net.Delivered.FindIndex(m => m.Type == MessageType.AppendResponse && m.From == target.Id && m.Index == last);
        Assert.InRange(caughtUp, 0, timeoutNow - 1);
        Assert.Equal(StateRole.Leader, target.Node.Role);
    }

    [Fact]
    public void ProposalsAreRefusedWhileTransferring()
    {
        var net = new Network(3);
        var leader = net.ElectLeader();
        var target = net.Replicas.First(r => r.Id != leader.Id);
        net.Hold(m => m.Type == MessageType.TimeoutNow);

        leader.Node.TransferLeadership(target.Id);
        net.DeliverAll();

        Assert.Equal(ProposeOutcome.TransferInProgress, leader.Node.Propose([1]).Outcome);
        net.ReleaseHeld();
        net.DeliverAll();
        var refused = leader.Node.Propose([1]);
        Assert.Equal(new ProposeResult(ProposeOutcome.NotLeader, 0, 0, target.Id), refused);
    }

    [Fact]
    public void TransferIsAbortedAfterAnElectionTimeout()
    {
        var net = new Network(3, c => c with { CheckQuorum = false });
        var leader = net.ElectLeader();
        var term = leader.Node.Term;
        var target = net.Replicas.First(r => r.Id != leader.Id);
        net.Hold(m => m.Type == MessageType.TimeoutNow);

        leader.Node.TransferLeadership(target.Id);
        net.Tick(leader.Config.ElectionTicks - 1);
        Assert.Equal(ProposeOutcome.TransferInProgress, leader.Node.Propose([1]).Outcome);
        net.Tick();

        Assert.Equal(ProposeOutcome.Accepted, leader.Node.Propose([1]).Outcome);
        Assert.Equal((StateRole.Leader, term), (leader.Node.Role, leader.Node.Term));
    }

    [Fact]
    public void TransferIsIgnoredByFollowersAndForSelf()
    {
        var net = new Network(3);
        var leader = net.ElectLeader();
        var follower = net.Replicas.First(r => r.Id != leader.Id);

        follower.Node.TransferLeadership(leader.Id);
        leader.Node.TransferLeadership(leader.Id);
        leader.Node.TransferLeadership(99);

        Assert.Equal(ProposeOutcome.Accepted, leader.Node.Propose([1]).Outcome);
        net.DeliverAll();
        Assert.DoesNotContain(net.Delivered, m => m.Type == MessageType.TimeoutNow);
    }
}
