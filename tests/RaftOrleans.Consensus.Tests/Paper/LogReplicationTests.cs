using RaftOrleans.Consensus;
using RaftOrleans.Consensus.Tests.Scenarios;
using RaftOrleans.Consensus.Tests.Support;
using Xunit;
using static RaftOrleans.Consensus.Tests.Support.Cluster;

namespace RaftOrleans.Consensus.Tests.Paper;

/// <summary>Paper §5.3: log replication.</summary>
public sealed class LogReplicationTests
{
    /// <summary>§5.3: "the leader includes the index and term of the entry in its log that immediately precedes
    /// the new entries" and its commit index in every AppendEntries.</summary>
    [Fact]
    public void LeaderReplicatesWithPrevIndexAndPrevTerm()
    {
        var r = Replica(Config(1, 3), 1, 1, 1);
        ElectLeader(r);
        var term = r.Node.Term;

        var first = r.Drain().To(2, MessageType.Append).Single();
        Assert.Equal((2L, 1L, 0L), (first.Index, first.LogTerm, first.Commit));
        Assert.Equal([(3L, term, EntryType.Noop)], first.Entries.Select(e => (e.Index, e.Term, e.Type)));

        r.Step(AppendResponse(2, 1, term, 3));
        r.Drain();
        var result = r.Node.Propose([42]);
        Assert.Equal(new ProposeResult(ProposeOutcome.Accepted, 4, term, 1), result);

        var next = r.Drain().To(2, MessageType.Append).Single();
        Assert.Equal((3L, term, 3L), (next.Index, next.LogTerm, next.Commit));
        Assert.Equal([(4L, term)], next.Entries.Select(e => (e.Index, e.Term)));
    }

    /// <summary>§5.3: "A log entry is committed once the leader that created the entry has replicated it on a
    /// majority of the servers"; the leader then applies it (Ready.CommittedEntries), not before.</summary>
    [Fact]
    public void LeaderCommitsOnlyAfterMajorityAcknowledges()
    {
        var r = new Replica(Config(1, 5));
        ElectLeader(r);
        var term = r.Node.Term;
        r.Drain();

        r.Step(AppendResponse(2, 1, term, 1));
        r.Drain();
        Assert.Equal(0, r.Node.Status().Commit);
        Assert.Empty(r.Applied);

        r.Step(AppendResponse(3, 1, term, 1));
        var messages = r.Drain();
        Assert.Equal(1, r.Node.Status().Commit);
        Assert.Equal([1L], r.Applied.Select(e => e.Index));
        // The new commit index goes out at once so followers can apply too.
        Assert.All(messages.OfType(MessageType.Append), m => Assert.Equal(1, m.Commit));
    }

    /// <summary>§5.3: "Once a follower learns that a log entry is committed, it applies the entry to its local
    /// state machine" — and never applies beyond what the leader reported committed.</summary>
    [Fact]
    public void FollowerAppliesOnlyWhatLeaderReportsCommitted()
    {
        var r = new Replica(Config(2, 3));
        var entries = Log(1, 1, 1);

        r.Step(Append(1, 2, 1, 0, 0, 2, entries));
        r.Drain();
        Assert.Equal([1L, 2L], r.Applied.Select(e => e.Index));

        r.Step(Heartbeat(1, 2, 1, commit: 3));
        r.Drain();
        Assert.Equal([1L, 2L, 3L], r.Applied.Select(e => e.Index));
    }

    /// <summary>§5.3 consistency check: "If the follower does not find an entry in its log with the same index
    /// and term, then it refuses the new entries." The follower's log here is terms [1, 1, 2].</summary>
    [Theory]
    [InlineData(3, 2, false)]
    [InlineData(2, 1, false)]
    [InlineData(0, 0, false)]
    [InlineData(3, 3, true)]
    [InlineData(4, 2, true)]
    public void FollowerRejectsAppendWhosePrevEntryDoesNotMatch(long prevIndex, long prevTerm, bool rejected)
    {
        var r = Replica(Config(2, 3), 3, 1, 1, 2);

        r.Step(Append(1, 2, 3, prevIndex, prevTerm, 0, new Entry(3, prevIndex + 1, EntryType.Normal, [])));

        var reply = Assert.Single(r.Drain());
        Assert.Equal(rejected, reply.Reject);
        Assert.Equal(rejected ? 3 : prevIndex + 1, r.Node.Status().LastIndex);
    }

    /// <summary>§5.3 receiver rule 3: "If an existing entry conflicts with a new one (same index but different
    /// terms), delete the existing entry and all that follow it."</summary>
    [Fact]
    public void FollowerDeletesConflictingSuffix()
    {
        var r = Replica(Config(2, 3), 2, 1, 1, 2, 2);

        r.Step(Append(1, 2, 3, 2, 1, 0, new Entry(3, 3, EntryType.Normal, [])));
        r.Drain();

        Assert.Equal([(1L, 1L), (2L, 1L), (3L, 3L)], r.LogTerms());
    }

    /// <summary>§5.3 receiver rule 3 applies only to conflicts: a duplicated or reordered append whose entries
    /// are already present must not truncate later entries.</summary>
    [Fact]
    public void FollowerKeepsLaterEntriesOnDuplicateAppend()
    {
        var r = Replica(Config(2, 3), 2, 1, 2, 2, 2);

        r.Step(Append(1, 2, 2, 1, 1, 0, new Entry(2, 2, EntryType.Normal, [])));
        var reply = Assert.Single(r.Drain());

        Assert.False(reply.Reject);
        Assert.Equal(2, reply.Index);
        Assert.Equal([(1L, 1L), (2L, 2L), (3L, 2L), (4L, 2L)], r.LogTerms());
    }

    /// <summary>
    /// §5.3, Figure 7: whatever a follower's log looks like — (a) missing one entry, (b) missing many,
    /// (c) one extra uncommitted entry, (d) extra entries of a later term, (e) missing entries and holding
    /// entries of an old term, (f) many entries of terms the leader never saw — the leader of term 8 forces
    /// it to duplicate its own log.
    /// </summary>
    [Theory]
    [InlineData("a", new long[] { 1, 1, 1, 4, 4, 5, 5, 6, 6 })]
    [InlineData("b", new long[] { 1, 1, 1, 4 })]
    [InlineData("c", new long[] { 1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6 })]
    [InlineData("d", new long[] { 1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7 })]
    [InlineData("e", new long[] { 1, 1, 1, 4, 4, 4, 4 })]
    [InlineData("f", new long[] { 1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3 })]
    public void Figure7_LeaderRepairsEveryFollowerLog(string figureCase, long[] followerTerms)
    {
        _ = figureCase;
        var leader = Replica(Config(1, 3, preVote: false), 7, 1, 1, 1, 4, 4, 5, 5, 6, 6, 6);
        var follower = Replica(Config(2, 3, preVote: false), followerTerms[^1], followerTerms);
        TickUntilCampaign(leader);
        // Voter 3 (not in the network) grants, so the election does not depend on the follower's vote.
        leader.Step(VoteResponse(3, 1, 8));
        Assert.Equal((StateRole.Leader, 8L), (leader.Node.Role, leader.Node.Term));

        var net = new Network([leader, follower]);
        net.DeliverAll();

        long[] expected = [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 8];
        Assert.Equal(expected, leader.LogTerms().Select(e => e.Term));
        Assert.Equal(expected, follower.LogTerms().Select(e => e.Term));
        Assert.Equal(11, follower.Node.Status().Commit);
        Assert.Equal(11, leader.Node.Status().Commit);
    }
}
