using RaftOrleans.Consensus;
using RaftOrleans.Consensus.Tests.Support;
using Xunit;
using static RaftOrleans.Consensus.Tests.Support.Cluster;

namespace RaftOrleans.Consensus.Tests.Features;

/// <summary>Batching limits and the pipelining window of Append messages.</summary>
public sealed class FlowControlTests
{
    /// <summary>A leader with follower 2 in Replicate state (it acknowledged the no-op).</summary>
    private static Replica LeaderReplicatingTo2(Func<RaftConfig, RaftConfig> configure)
    {
        var r = new Replica(configure(Config(1, 3)));
        ElectLeader(r);
        r.Drain();
        r.Step(AppendResponse(2, 1, r.Node.Term, 1));
        r.Drain();
        Assert.Equal(ProgressState.Replicate, r.Node.Status().Progress.Single(p => p.Id == 2).State);
        return r;
    }

    [Fact]
    public void AtMostMaxInflightAppendsAreUnacknowledged()
    {
        var r = LeaderReplicatingTo2(c => c with { MaxInflightMessages = 3, MaxEntriesPerMessage = 1 });
        var term = r.Node.Term;
        for (var i = 0; i < 10; i++) r.Node.Propose([(byte)i]);

        var first = r.Drain().To(2, MessageType.Append);
        Assert.Equal([2L, 3L, 4L], first.Select(m => m.Entries.Single().Index));

        r.Step(AppendResponse(2, 1, term, 2));
        var second = r.Drain().To(2, MessageType.Append);
        Assert.Equal([5L], second.Select(m => m.Entries.Single().Index));

        // An acknowledgement of two messages frees two slots.
        r.Step(AppendResponse(2, 1, term, 4));
        var third = r.Drain().To(2, MessageType.Append);
        Assert.Equal([6L, 7L], third.Select(m => m.Entries.Single().Index));
    }

    [Fact]
    public void ProbingFollowerGetsOneAppendAtATime()
    {
        var r = LeaderReplicatingTo2(c => c with { MaxEntriesPerMessage = 1 });
        for (var i = 0; i < 5; i++) r.Node.Propose([(byte)i]);

        // Follower 3 never answered the no-op append: it is probing and paused.
        Assert.Empty(r.Drain().To(3, MessageType.Append));

        // A heartbeat answer resumes the probe: exactly one append.
        r.Step(HeartbeatResponse(3, 1, r.Node.Term));
        Assert.Single(r.Drain().To(3, MessageType.Append));
    }

    [Fact]
    public void HeartbeatAnswerWithAFullWindowFreesOneSlot()
    {
        var r = LeaderReplicatingTo2(c => c with { MaxInflightMessages = 2, MaxEntriesPerMessage = 1 });
        for (var i = 0; i < 5; i++) r.Node.Propose([(byte)i]);
        Assert.Equal(2, r.Drain().To(2, MessageType.Append).Count);

        r.Step(HeartbeatResponse(2, 1, r.Node.Term));

        Assert.Single(r.Drain().To(2, MessageType.Append));
    }

    [Fact]
    public void AppendsRespectMaxEntriesPerMessage()
    {
        var r = LeaderReplicatingTo2(c => c with { MaxEntriesPerMessage = 4 });
        for (var i = 0; i < 10; i++) r.Node.Propose([(byte)i]);

        var appends = r.Drain().To(2, MessageType.Append);

        Assert.Equal([4, 4, 2], appends.Select(m => m.Entries.Count));
        Assert.Equal(Enumerable.Range(2, 10).Select(i => (long)i), appends.SelectMany(m => m.Entries).Select(e => e.Index));
    }

    [Fact]
    public void AppendsRespectMaxBytesPerMessage()
    {
        // Each entry is 76 + 24 = 100 bytes: two fit in 250 bytes, three do not.
        var r = LeaderReplicatingTo2(c => c with { MaxBytesPerMessage = 250 });
        for (var i = 0; i < 5; i++) r.Node.Propose(new byte[76]);

        var appends = r.Drain().To(2, MessageType.Append);

        Assert.Equal([2, 2, 1], appends.Select(m => m.Entries.Count));
    }

    [Fact]
    public void ProposalsBetweenTwoReadiesShareOneAppend()
    {
        var r = LeaderReplicatingTo2(c => c);
        for (var i = 0; i < 20; i++) r.Node.Propose([(byte)i]);

        var append = Assert.Single(r.Drain().To(2, MessageType.Append));

        Assert.Equal(20, append.Entries.Count);
    }
}
