using RaftOrleans.Consensus;
using RaftOrleans.Consensus.Tests.Scenarios;
using RaftOrleans.Consensus.Tests.Support;
using Xunit;
using static RaftOrleans.Consensus.Tests.Support.Cluster;

namespace RaftOrleans.Consensus.Tests.Paper;

/// <summary>Paper §5.4: safety.</summary>
public sealed class SafetyTests
{
    /// <summary>
    /// §5.4.2, Figure 8 (c): leader S1 of term 4 holds an entry of term 2 at index 2 and replicates it to a
    /// majority. "Raft never commits log entries from previous terms by counting replicas": commit stays put
    /// until the leader's own term-4 entry (its no-op at 3) reaches a majority, which then commits both.
    /// </summary>
    [Theory]
    [InlineData(false, 1)]
    [InlineData(true, 2)]
    public void Figure8_LeaderCommitsOnlyEntriesOfItsOwnTermByCounting(bool commitOldTermFault, long expectedCommit)
    {
        var s1 = new Replica(Config(1, 5, preVote: false), new MemoryRaftLogStorage(new HardState(3, RaftNode.None, 1), Log(1, 2)));
        s1.Node.Faults.CommitOldTermEntries = commitOldTermFault;
        TickUntilCampaign(s1);
        s1.Step(VoteResponse(2, 1, 4), VoteResponse(3, 1, 4));
        Assert.Equal((StateRole.Leader, 4L), (s1.Node.Role, s1.Node.Term));
        s1.Drain();

        // S2 and S3 now hold index 2 (term 2): with S1 that is a majority of five.
        s1.Step(AppendResponse(2, 1, 4, 2), AppendResponse(3, 1, 4, 2));
        s1.Drain();
        Assert.Equal(expectedCommit, s1.Node.Status().Commit);

        // Once the term-4 no-op is on a majority, everything before it is committed too.
        s1.Step(AppendResponse(2, 1, 4, 3), AppendResponse(3, 1, 4, 3));
        s1.Drain();
        Assert.Equal(3, s1.Node.Status().Commit);
    }

    /// <summary>
    /// §5.4.2, Figure 8 (d): why counting is not enough. The entry of term 2 at index 2 sits on a majority
    /// (S1, S2, S3) but was not committed; S5, whose log ends with a term-3 entry, can still win an election
    /// (§5.4.1: its last term is higher) and overwrites index 2 everywhere. Had it been "committed", a
    /// committed entry would have been lost.
    /// </summary>
    [Fact]
    public void Figure8_UncommittedOldTermEntryOnMajorityCanBeOverwritten()
    {
        MemoryRaftLogStorage Disk(params long[] terms) => new(new HardState(4, RaftNode.None, 1), Log(terms));
        var replicas = new[]
        {
            new Replica(Config(1, 5), Disk(1, 2)),
            new Replica(Config(2, 5), Disk(1, 2)),
            new Replica(Config(3, 5), Disk(1, 2)),
            new Replica(Config(4, 5), Disk(1)),
            new Replica(Config(5, 5), Disk(1, 3)),
        };
        var net = new Network(replicas);

        // S5 is told to campaign now (as by a leadership transfer), so the outcome does not depend on timers.
        net[5].Step(new Message { Type = MessageType.TimeoutNow, From = 1, To = 5, Term = 4 });
        net.DeliverAll();

        Assert.Equal((StateRole.Leader, 5L), (net[5].Node.Role, net[5].Node.Term));
        Assert.All(replicas, r => Assert.Equal([(1L, 1L), (2L, 3L), (3L, 5L)], r.LogTerms()));
        Assert.All(replicas, r => Assert.Equal(3, r.Node.Status().Commit));
    }
}
