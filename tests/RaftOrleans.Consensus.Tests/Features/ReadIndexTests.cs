using RaftOrleans.Consensus;
using RaftOrleans.Consensus.Tests.Scenarios;
using RaftOrleans.Consensus.Tests.Support;
using Xunit;
using static RaftOrleans.Consensus.Tests.Support.Cluster;

namespace RaftOrleans.Consensus.Tests.Features;

/// <summary>ReadIndex linearizable reads (thesis §6.4).</summary>
public sealed class ReadIndexTests
{
    /// <summary>A 5-voter leader whose no-op is committed (acknowledged by 2 and 3).</summary>
    private static Replica EstablishedLeader(Action<Replica>? beforeElection = null)
    {
        var r = new Replica(Config(1, 5));
        beforeElection?.Invoke(r);
        ElectLeader(r);
        r.Step(AppendResponse(2, 1, r.Node.Term, 1), AppendResponse(3, 1, r.Node.Term, 1));
        r.Drain();
        Assert.Equal(1, r.Node.Status().Commit);
        return r;
    }

    [Fact]
    public void ReadIsReleasedOnlyAfterAMajorityConfirmsLeadership()
    {
        var r = EstablishedLeader();
        var term = r.Node.Term;

        Assert.True(r.Node.ReadIndex(7));
        var heartbeats = r.Drain().OfType(MessageType.Heartbeat);
        Assert.Equal([2, 3, 4, 5], heartbeats.Select(m => m.To).Order());
        Assert.All(heartbeats, m => Assert.Equal(7, m.Context));

        r.Step(HeartbeatResponse(2, 1, term, 7));
        r.Drain();
        Assert.Empty(r.ReadStates);
        // A duplicate acknowledgement from the same voter does not count twice.
        r.Step(HeartbeatResponse(2, 1, term, 7));
        r.Drain();
        Assert.Empty(r.ReadStates);

        r.Step(HeartbeatResponse(4, 1, term, 7));
        r.Drain();
        Assert.Equal([new ReadState(1, 7)], r.ReadStates);
    }

    [Fact]
    public void ReadIndexIsTheCommitIndexWhenTheReadArrived()
    {
        var r = EstablishedLeader();
        var term = r.Node.Term;
        Assert.True(r.Node.ReadIndex(7));
        r.Drain();

        // The commit index moves on before the confirmation arrives; the read keeps the older index.
        r.Node.Propose([1]);
        r.Drain();
        r.Step(AppendResponse(2, 1, term, 2), AppendResponse(3, 1, term, 2));
        r.Step(HeartbeatResponse(2, 1, term, 7), HeartbeatResponse(3, 1, term, 7));
        r.Drain();

        Assert.Equal(2, r.Node.Status().Commit);
        Assert.Equal([new ReadState(1, 7)], r.ReadStates);
    }

    [Fact]
    public void ConfirmingALaterReadReleasesEarlierOnesInOrder()
    {
        var r = EstablishedLeader();
        var term = r.Node.Term;
        r.Node.ReadIndex(7);
        r.Node.ReadIndex(8);
        r.Drain();

        r.Step(HeartbeatResponse(2, 1, term, 8), HeartbeatResponse(3, 1, term, 8));
        r.Drain();

        Assert.Equal([new ReadState(1, 7), new ReadState(1, 8)], r.ReadStates);
    }

    [Fact]
    public void NewLeaderWaitsForItsNoopToCommitBeforeServingReads()
    {
        var r = new Replica(Config(1, 3));
        ElectLeader(r);
        var term = r.Node.Term;
        r.Drain();

        Assert.True(r.Node.ReadIndex(9));
        Assert.DoesNotContain(r.Drain(), m => m.Context == 9);

        r.Step(AppendResponse(2, 1, term, 1));
        var heartbeats = r.Drain().Where(m => m.Context == 9).ToList();
        Assert.Equal(2, heartbeats.Count);
        r.Step(HeartbeatResponse(2, 1, term, 9));
        r.Drain();

        Assert.Equal([new ReadState(1, 9)], r.ReadStates);
    }

    [Fact]
    public void SingleVoterReleasesReadsImmediately()
    {
        var r = new Replica(Config(1, 1));
        TickUntilCampaign(r);
        r.Drain();
        Assert.Equal(StateRole.Leader, r.Node.Role);

        Assert.True(r.Node.ReadIndex(5));
        r.Drain();

        Assert.Equal([new ReadState(1, 5)], r.ReadStates);
    }

    [Fact]
    public void FollowerRefusesReadIndex()
    {
        var r = new Replica(Config(1, 3));
        Assert.False(r.Node.ReadIndex(5));
        Assert.False(r.Node.HasReady());
    }

    [Fact]
    public void ContextZeroIsRejected()
    {
        var r = EstablishedLeader();
        Assert.Throws<ArgumentOutOfRangeException>(() => r.Node.ReadIndex(0));
    }

    [Fact]
    public void PendingReadsAreDroppedWhenLeadershipIsLost()
    {
        var r = new Replica(Config(1, 3));
        ElectLeader(r);
        r.Drain();
        r.Node.ReadIndex(9); // waits for the no-op
        r.Step(AppendResponse(2, 1, r.Node.Term, 1));
        r.Node.ReadIndex(10); // waits for heartbeat acknowledgements
        r.Drain();

        r.Step(Heartbeat(3, 1, r.Node.Term + 1));
        r.Drain();

        Assert.Empty(r.ReadStates);
        Assert.Equal([9L, 10L], r.DroppedReads.Order());
    }

    [Fact]
    public void PeriodicHeartbeatsRetryTheConfirmationRound()
    {
        var r = EstablishedLeader();
        r.Node.ReadIndex(7);
        r.Drain(); // the first round is "lost"

        r.Tick();

        Assert.All(r.Drain().OfType(MessageType.Heartbeat), m => Assert.Equal(7, m.Context));
    }

    [Fact]
    public void ReadOnAnIsolatedLeaderIsNeverReleased()
    {
        var net = new Network(3);
        var leader = net.ElectLeader();
        net.Isolate(leader.Id);

        Assert.True(leader.Node.ReadIndex(11));
        // CheckQuorum needs at most two rounds: the first may still count answers from before the cut.
        net.Tick(2 * leader.Config.ElectionTicks);

        Assert.Equal(StateRole.Follower, leader.Node.Role);

        Assert.Empty(leader.ReadStates);
        Assert.Equal([11L], leader.DroppedReads);
    }

    [Fact]
    public void FaultReadIndexWithoutHeartbeatReleasesWithoutConfirmation()
    {
        var r = EstablishedLeader();
        r.Node.Faults.ReadIndexWithoutHeartbeat = true;

        r.Node.ReadIndex(7);
        r.Drain();

        Assert.Equal([new ReadState(1, 7)], r.ReadStates);
    }
}
