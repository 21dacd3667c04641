using RaftOrleans.Consensus;
using RaftOrleans.Consensus.Tests.Support;
using Xunit;
using static RaftOrleans.Consensus.Tests.Support.Cluster;

namespace RaftOrleans.Consensus.Tests.Features;

/// <summary>Back-pressure: the leader refuses proposals while too many entries are uncommitted.</summary>
public sealed class ThrottleTests
{
    [Fact]
    public void ProposalsAreThrottledAtMaxUncommittedEntries()
    {
        var r = new Replica(Config(1, 3) with { MaxUncommittedEntries = 3 });
        ElectLeader(r);
        var term = r.Node.Term;

        // The uncommitted no-op counts: two more fit.
        Assert.Equal(ProposeOutcome.Accepted, r.Node.Propose([1]).Outcome);
        Assert.Equal(ProposeOutcome.Accepted, r.Node.Propose([2]).Outcome);
        Assert.Equal(new ProposeResult(ProposeOutcome.Throttled, 0, 0, 1), r.Node.Propose([3]));
        r.Drain();

        r.Step(AppendResponse(2, 1, term, 3));
        r.Drain();

        Assert.Equal(new ProposeResult(ProposeOutcome.Accepted, 4, term, 1), r.Node.Propose([3]));
    }

    [Fact]
    public void FollowerRefusesProposalsWithALeaderHint()
    {
        var r = new Replica(Config(1, 3));
        r.Step(Heartbeat(2, 1, 1));

        Assert.Equal(new ProposeResult(ProposeOutcome.NotLeader, 0, 0, 2), r.Node.Propose([1]));
    }
}
