using Xunit;
using RaftOrleans.Consensus;

namespace RaftOrleans.Consensus.Tests.Scenarios;

/// <summary>Regression tests for the two bugs of the seed this project grew from (see docs/DESIGN.md).</summary>
public sealed class AncestorBugTests
{
    /// <summary>
    /// Bug 1: an unstable initial election (a leader stepping down on a same-term heartbeat — really two
    /// leaders in one term from a vote not persisted or granted twice). With no faults, once a leader is
    /// established the term must never change again and no term ever has two leaders.
    /// </summary>
    [Theory]
    [InlineData(3, 1)]
    [InlineData(3, 2)]
    [InlineData(5, 1)]
    [InlineData(5, 2)]
    public void AncestorBug_StableInitialElection(int size, int seed)
    {
        var net = new Network(size, seed: seed);
        var leader = net.ElectLeader();
        var term = leader.Node.Term;

        for (var i = 0; i < 3000; i++)
        {
            net.Tick();
            if (i % 100 == 0) net.Propose($"cmd-{i}");
        }

        Assert.All(net.Replicas, r => Assert.Equal(term, r.Node.Term));
        Assert.All(net.Replicas, r => Assert.Equal(leader.Id, r.Node.Leader));
        Assert.All(net.LeadersByTerm, kv => Assert.Single(kv.Value));
        Assert.Equal(StateRole.Leader, leader.Node.Role);
        // 30 proposals + the noop, applied everywhere.
        Assert.All(net.Replicas, r => Assert.Equal(31, r.Applied.Count));
    }

    /// <summary>
    /// Bug 2: "bullying". A leader is partitioned while holding uncommitted entries of its own; the majority
    /// elects a new leader and commits; when the old leader returns it must not regain leadership, the
    /// current leader's term must not change (PreVote keeps the returning replica from disrupting it), and
    /// the old leader's conflicting entries must be overwritten by the current leader's log.
    /// </summary>
    [Theory]
    [InlineData(3)]
    [InlineData(5)]
    public void AncestorBug_ReturningOldLeaderDoesNotBully(int size)
    {
        var net = new Network(size);
        var old = net.ElectLeader();
        net.Propose("committed-before-partition");

        net.Isolate(old.Id);
        for (var i = 0; i < 3; i++) old.Node.Propose("lost"u8.ToArray());
        net.DeliverAll();
        Assert.Equal(3, old.Storage.AllEntries().Count(IsLost));

        var current = net.ElectLeader(except: old.Id);
        Assert.NotEqual(old.Id, current.Id);
        var currentTerm = current.Node.Term;
        net.Propose("after-partition-1");
        net.Propose("after-partition-2");
        Assert.Equal(current.Node.Status().LastIndex, current.Node.Status().Commit);

        // The isolated old leader sat out many election timeouts: it stepped down (CheckQuorum) and kept
        // pre-voting without bumping its term (PreVote).
        net.Tick(100);
        Assert.NotEqual(StateRole.Leader, old.Node.Role);
        Assert.True(old.Node.Term < currentTerm, $"old leader bumped its term to {old.Node.Term}");

        net.Recover();
        net.Tick(200);

        Assert.Equal(StateRole.Leader, current.Node.Role);
        Assert.Equal(currentTerm, current.Node.Term);
        Assert.All(net.Replicas, r => Assert.Equal(currentTerm, r.Node.Term));
        Assert.All(net.Replicas, r => Assert.Equal(current.Id, r.Node.Leader));
        Assert.All(net.LeadersByTerm, kv => Assert.Single(kv.Value));

        var expected = current.Storage.AllEntries();
        Assert.Equal(expected, old.Storage.AllEntries());
        Assert.DoesNotContain(old.Storage.AllEntries(), IsLost);
        Assert.DoesNotContain(old.Applied, IsLost);
        Assert.Equal(current.Applied.Select(e => (e.Index, e.Term)), old.Applied.Select(e => (e.Index, e.Term)));
    }

    private static bool IsLost(Entry e) => e.Data.SequenceEqual("lost"u8.ToArray());
}
