using RaftOrleans.Consensus;
using RaftOrleans.Consensus.Tests.Support;
using Xunit;
using static RaftOrleans.Consensus.Tests.Support.Cluster;

namespace RaftOrleans.Consensus.Tests.Features;

/// <summary>The Ready hand-off: everything a message depends on travels in the same batch, to be persisted first.</summary>
public sealed class ReadyContractTests
{
    [Fact]
    public void GrantedVoteTravelsInTheHardStateOfTheSameReady()
    {
        var node = new RaftNode(Config(1, 3), new MemoryRaftLogStorage(), new Random(1));
        node.Step(Vote(2, 1, 4, 0, 0));

        var ready = node.GetReady();

        Assert.Equal(new HardState(4, 2, 0), ready.HardState);
        var reply = Assert.Single(ready.Messages);
        Assert.Equal((MessageType.VoteResponse, false), (reply.Type, reply.Reject));
    }

    [Fact]
    public void AppendedEntriesTravelInTheSameReadyAsTheirAcknowledgement()
    {
        var node = new RaftNode(Config(2, 3), new MemoryRaftLogStorage(), new Random(1));
        node.Step(Append(1, 2, 1, 0, 0, 1, Log(1, 1)));

        var ready = node.GetReady();

        Assert.Equal([1L, 2L], ready.Entries.Select(e => e.Index));
        Assert.Equal(2, Assert.Single(ready.Messages).Index);
        Assert.Equal(new HardState(1, RaftNode.None, 1), ready.HardState);
        Assert.Equal([1L], ready.CommittedEntries.Select(e => e.Index));
    }

    [Fact]
    public void OnlyOneReadyMayBeOutstanding()
    {
        var node = new RaftNode(Config(1, 3), new MemoryRaftLogStorage(), new Random(1));
        node.Step(Vote(2, 1, 4, 0, 0));
        var ready = node.GetReady();

        Assert.False(node.HasReady());
        Assert.Throws<InvalidOperationException>(() => node.GetReady());
        Assert.Throws<ArgumentException>(() => node.Advance(new Ready()));
        node.Advance(ready);
        Assert.False(node.HasReady());
    }

    [Fact]
    public void InputsBetweenGetReadyAndAdvanceGoIntoTheNextReady()
    {
        var r = new Replica(Config(2, 3));
        r.Step(Append(1, 2, 1, 0, 0, 0, Log(1)));
        var first = r.Node.GetReady();
        r.Storage.Append(first.Entries);
        r.Node.Step(Append(1, 2, 1, 1, 1, 0, new Entry(1, 2, EntryType.Normal, [])));
        r.Node.Advance(first);

        var second = r.Node.GetReady();

        Assert.Equal([2L], second.Entries.Select(e => e.Index));
        Assert.Equal(2, Assert.Single(second.Messages).Index);
    }

    [Fact]
    public void CommittedEntriesAreHandedOutInSlicesOfMaxApplyBytes()
    {
        var entries = Enumerable.Range(1, 5).Select(i => new Entry(1, i, EntryType.Normal, new byte[76])).ToArray();
        var storage = new MemoryRaftLogStorage(new HardState(1, RaftNode.None, 5), entries);
        var r = new Replica(Config(1, 3) with { MaxApplyBytes = 200 }, storage);

        r.Drain();

        Assert.Equal([2, 2, 1], r.Readies.Select(x => x.CommittedEntries.Count));
        Assert.Equal(5, r.Applied.Count);
    }

    [Fact]
    public void MessagesAreHandedOutOnce()
    {
        var r = new Replica(Config(1, 3));
        r.Step(Vote(2, 1, 4, 0, 0));

        Assert.Single(r.Drain());
        Assert.Empty(r.Drain());
    }

    [Fact]
    public void RoleChangesAreReportedAsSoftState()
    {
        var r = new Replica(Config(1, 3, preVote: false));
        TickUntilCampaign(r);
        r.Drain();
        Assert.Equal(new SoftState(RaftNode.None, StateRole.Candidate), r.Readies[^1].SoftState);

        r.Step(VoteResponse(2, 1, 1));
        r.Drain();
        Assert.Equal(new SoftState(1, StateRole.Leader), r.Readies[^1].SoftState);
    }
}
