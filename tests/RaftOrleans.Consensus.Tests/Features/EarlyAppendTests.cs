using RaftOrleans.Consensus;
using RaftOrleans.Consensus.Tests.Support;
using Xunit;
using static RaftOrleans.Consensus.Tests.Support.Cluster;

namespace RaftOrleans.Consensus.Tests.Features;

/// <summary>
/// A leader may send its appends before persisting them, so its disk write overlaps the followers'
/// (Raft thesis §10.2.1). That is safe only because the leader counts its own copy toward commit once
/// it is durable, and only while its term and vote are durable.
/// </summary>
public sealed class EarlyAppendTests
{
    [Fact]
    public void A_leaders_appends_may_precede_the_persist_and_its_replies_may_not()
    {
        var leader = new Replica(Config(1, 3));
        ElectLeader(leader);
        leader.Drain();
        leader.Node.Propose([7]);

        var ready = leader.Node.GetReady();

        Assert.True(ready.AppendsMayPrecedePersist);
        Assert.NotEmpty(ready.Entries);
        Assert.All(ready.Messages, m => Assert.True(ready.MayPrecedePersist(m), $"{m.Type} should be allowed early"));
        leader.Node.Advance(ready);
    }

    [Fact]
    public void A_batch_that_changes_the_term_sends_nothing_early()
    {
        var candidate = new Replica(Config(1, 3, preVote: false));
        TickUntilCampaign(candidate);

        var ready = candidate.Node.GetReady();

        Assert.NotNull(ready.HardState);
        Assert.False(ready.AppendsMayPrecedePersist);
        Assert.All(ready.Messages, m => Assert.False(ready.MayPrecedePersist(m)));
    }

    [Fact]
    public void A_followers_acknowledgement_never_precedes_the_persist()
    {
        var follower = new Replica(Config(2, 3));
        follower.Step(Append(1, 2, 1, 0, 0, 0, Log(1)));

        var ready = follower.Node.GetReady();

        Assert.False(ready.AppendsMayPrecedePersist);
        Assert.False(ready.MayPrecedePersist(Assert.Single(ready.Messages)));
    }

    [Fact]
    public void The_leader_counts_its_own_entry_toward_commit_only_once_it_is_durable()
    {
        var leader = new Replica(Config(1, 3));
        ElectLeader(leader);
        var noop = leader.Node.Status().LastIndex;
        leader.Drain();
        leader.Step(AppendResponse(2, 1, leader.Node.Term, noop));
        leader.Drain();
        var proposed = leader.Node.Propose([7]);

        // The append went out early; follower 2 acknowledges before the leader's own write finished.
        var ready = leader.Node.GetReady();
        leader.Node.Step(AppendResponse(2, 1, leader.Node.Term, proposed.Index));

        // One durable copy of three (follower 2) is not a majority: the entry must not commit yet.
        Assert.True(leader.Node.Status().Commit < proposed.Index, "committed on a copy the leader had not persisted");

        leader.Storage.Append(ready.Entries);
        leader.Node.Advance(ready);

        Assert.Equal(proposed.Index, leader.Node.Status().Commit);
    }
}
