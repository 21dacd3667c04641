using RaftOrleans.Consensus;
using RaftOrleans.Consensus.Tests.Scenarios;
using RaftOrleans.Consensus.Tests.Support;
using Xunit;
using static RaftOrleans.Consensus.Tests.Support.Cluster;

namespace RaftOrleans.Consensus.Tests.Features;

/// <summary>A replica restarted from its storage resumes with its persisted term, vote and commit.</summary>
public sealed class RestartTests
{
    [Fact]
    public void RestartRestoresTermVoteAndReappliesCommittedEntries()
    {
        var net = new Network(3);
        var leader = net.ElectLeader();
        for (var i = 0; i < 3; i++) net.Propose($"x{i}");
        net.Tick();
        var follower = net.Replicas.First(r => r.Id != leader.Id);
        var before = follower.Node.Status();
        var applied = follower.Applied.ToArray();
        Assert.Equal(4, applied.Length);

        net.Crash(follower.Id);
        net.Restart(follower.Id);
        var after = follower.Node.Status();

        Assert.Equal((before.Term, before.Vote, before.Commit, before.LastIndex), (after.Term, after.Vote, after.Commit, after.LastIndex));
        Assert.Equal((StateRole.Follower, RaftNode.None), (after.Role, after.Leader));
        follower.Drain();
        Assert.Equal(applied, follower.Applied);
    }

    [Fact]
    public void RestartWithAnAppliedIndexHandsOutOnlyLaterEntries()
    {
        var storage = new MemoryRaftLogStorage(new HardState(1, RaftNode.None, 4), Log(1, 1, 1, 1, 1));
        var node = new RaftNode(Config(1, 3), storage, new Random(1), appliedIndex: 2);

        var ready = node.GetReady();

        Assert.Equal([3L, 4L], ready.CommittedEntries.Select(e => e.Index));
        Assert.Null(ready.HardState);
        Assert.Empty(ready.Entries);
    }

    [Fact]
    public void AppliedIndexBeyondCommitIsRejected()
    {
        var storage = new MemoryRaftLogStorage(new HardState(1, RaftNode.None, 1), Log(1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RaftNode(Config(1, 3), storage, new Random(1), appliedIndex: 2));
    }

    [Theory]
    [InlineData(false, true)]
    [InlineData(true, false)]
    public void PersistedVotePreventsASecondVoteAfterRestart(bool voteNotPersistedFault, bool secondRejected)
    {
        var r = new Replica(Config(1, 3));
        r.Node.Faults.VoteNotPersisted = voteNotPersistedFault;
        r.Step(Vote(2, 1, 5, 0, 0));
        Assert.False(Assert.Single(r.Drain()).Reject);

        r.Restart();
        r.Step(Vote(3, 1, 5, 0, 0));

        Assert.Equal(secondRejected, Assert.Single(r.Drain()).Reject);
    }
}
