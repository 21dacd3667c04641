using RaftOrleans.Consensus;
using RaftOrleans.Consensus.Tests.Support;
using Xunit;
using static RaftOrleans.Consensus.Tests.Support.Cluster;

namespace RaftOrleans.Consensus.Tests.Features;

/// <summary>Input filtering, single-voter groups, heartbeat contents and status reporting.</summary>
public sealed class NodeBasicsTests
{
    [Fact]
    public void MessagesForOtherReplicasOrFromItselfOrFromNoReplicaAreIgnored()
    {
        var r = new Replica(Config(1, 3));

        r.Step(Vote(2, 3, 5, 0, 0));   // addressed to 3
        r.Step(Vote(0, 1, 5, 0, 0));   // from "no replica"
        r.Step(Vote(1, 1, 5, 0, 0));   // from itself

        Assert.False(r.Node.HasReady());
        Assert.Equal(0, r.Node.Term);
    }

    [Fact]
    public void SingleVoterElectsItselfAndCommitsProposalsOnceTheyAreDurable()
    {
        var r = new Replica(Config(1, 1));
        TickUntilCampaign(r);
        Assert.Equal((StateRole.Leader, 1L), (r.Node.Role, r.Node.Term));
        r.Drain();

        var result = r.Node.Propose([7]);
        var ready = r.Node.GetReady();

        Assert.Equal(new ProposeResult(ProposeOutcome.Accepted, 2, 1, 1), result);
        Assert.Equal([2L], ready.Entries.Select(e => e.Index));
        Assert.Empty(ready.CommittedEntries); // its only copy is not durable yet
        Assert.Empty(ready.Messages);
        r.Storage.Append(ready.Entries);
        r.Node.Advance(ready);

        var next = r.Node.GetReady();
        Assert.Equal([2L], next.CommittedEntries.Select(e => e.Index));
        r.Node.Advance(next);
    }

    [Fact]
    public void HeartbeatCarriesTheSmallerOfMatchAndCommit()
    {
        var r = new Replica(Config(1, 3));
        ElectLeader(r);
        r.Step(AppendResponse(2, 1, r.Node.Term, 1));
        r.Drain();
        Assert.Equal(1, r.Node.Status().Commit);

        r.Tick();
        var heartbeats = r.Drain().OfType(MessageType.Heartbeat);

        Assert.Equal([(2, 1L), (3, 0L)], heartbeats.Select(m => (m.To, m.Commit)).Order());
    }

    [Fact]
    public void StatusReportsTheLeadersViewOfEveryPeer()
    {
        var r = Replica(Config(1, 3), 1, 1);
        ElectLeader(r);
        r.Drain();
        r.Step(AppendResponse(2, 1, r.Node.Term, 2));
        r.Drain();

        var status = r.Node.Status();

        Assert.Equal((1, 2L, 1, StateRole.Leader, 1, 2L, 2L, 2L, 1L),
            (status.Id, status.Term, status.Vote, status.Role, status.Leader, status.Commit, status.Applied, status.LastIndex, status.FirstIndex));
        Assert.Equal(
            [new PeerProgress(1, 2, 3, ProgressState.Replicate), new PeerProgress(2, 2, 3, ProgressState.Replicate), new PeerProgress(3, 0, 2, ProgressState.Probe)],
            status.Progress);
    }

    [Fact]
    public void InvalidConfigurationIsRejected()
    {
        var config = Config(1, 3) with { HeartbeatTicks = 10 };
        Assert.Throws<ArgumentException>(() => new RaftNode(config, new MemoryRaftLogStorage(), new Random(1)));
    }
}
