using RaftOrleans.Consensus;
using RaftOrleans.Consensus.Tests.Scenarios;
using RaftOrleans.Consensus.Tests.Support;
using Xunit;
using static RaftOrleans.Consensus.Tests.Support.Cluster;

namespace RaftOrleans.Consensus.Tests.Features;

/// <summary>
/// Membership changes one server at a time (thesis chapter 4; issue #13 item 2): learners, promotion, removal,
/// the one-change-in-flight rule, the leader's own-term commit before a change, configurations that take effect
/// on append and are undone when truncated, the removed leader's step-down, and configurations in snapshots.
/// </summary>
public sealed class MembershipTests
{
    /// <summary>Voters 1..3 and spare replicas 4..<paramref name="replicas"/> started outside the group (new members
    /// waiting to be added), on one in-memory network.</summary>
    private static Network Group(int replicas = 4) =>
        new(Ids(replicas).Select(id => new Replica(Config(id, 3), seed: 1000 + id)));

    private static ConfigurationChangeResult Change(Network net, ConfigurationChangeType type, int id, string location = "")
    {
        var leader = net.Leader ?? throw new InvalidOperationException($"No leader.\n{net.Describe()}");
        var result = leader.Node.ProposeConfigurationChange(new ConfigurationChange(type, id, location));
        net.DeliverAll();
        return result;
    }

    /// <summary>Elects a leader and commits an entry of its term, so it may change the configuration.</summary>
    private static Replica Ready(Network net)
    {
        var leader = net.ElectLeader();
        var noop = leader.Node.Status().LastIndex;
        net.TickUntil(() => leader.Node.Status().Commit >= noop, 50, "the leader's no-op committed");
        return leader;
    }

    private static void CommitChange(Network net, ConfigurationChangeResult result)
    {
        Assert.Equal(ConfigurationChangeOutcome.Accepted, result.Outcome);
        net.TickUntil(() => net.Leader is { } l && l.Node.Status().Commit >= result.Index, 100, $"the change at {result.Index} committed");
    }

    [Fact]
    public void A_learner_receives_the_log_but_never_counts_toward_a_commit()
    {
        var net = Group();
        var leader = Ready(net);
        CommitChange(net, Change(net, ConfigurationChangeType.AddLearner, 4, "silo4"));
        Assert.Equal(new GroupMember(4, 0, IsVoter: false, "silo4"), leader.Node.Configuration.Find(4));

        var written = net.Propose("x");
        net.TickUntil(() => net[4].Node.Status().Commit >= written.Index, 50, "the learner committed the write");

        // With both other voters down, the learner's acknowledgement alone commits nothing.
        foreach (var id in new[] { 1, 2, 3 }.Where(id => id != leader.Id)) net.Crash(id);
        var alone = leader.Node.Propose([1]);
        net.Tick(3);
        Assert.True(net[4].Node.Status().LastIndex >= alone.Index, "the learner did not receive the entry");
        Assert.True(leader.Node.Status().Commit < alone.Index, $"a learner's acknowledgement committed an entry\n{net.Describe()}");
    }

    [Fact]
    public void A_learner_never_campaigns_and_its_vote_does_not_count()
    {
        var net = Group();
        var leader = Ready(net);
        CommitChange(net, Change(net, ConfigurationChangeType.AddLearner, 4));
        net.Crash(leader.Id);
        net.Isolate(4);
        net.Tick(100);
        Assert.Equal(StateRole.Follower, net[4].Node.Role);
        Assert.DoesNotContain(net.Delivered, m => m.From == 4 && m.Type is MessageType.Vote or MessageType.PreVote);

        // A candidate whose configuration names 4 a learner is not elected by 4's grant.
        var candidate = net.Replicas.First(r => r.Id != leader.Id && r.Id != 4);
        TickUntilCampaign(candidate);
        Assert.Equal(StateRole.PreCandidate, candidate.Node.Role);
        candidate.Node.Step(new Message { Type = MessageType.PreVoteResponse, From = 4, To = candidate.Id, Term = candidate.Node.Term + 1 });
        Assert.Equal(StateRole.PreCandidate, candidate.Node.Role); // one of three voters (itself) has granted
    }

    [Fact]
    public void A_learner_is_promoted_only_once_caught_up_and_then_counts()
    {
        var net = Group();
        var leader = Ready(net);
        net.Crash(4);
        CommitChange(net, Change(net, ConfigurationChangeType.AddLearner, 4));
        var behind = Change(net, ConfigurationChangeType.PromoteLearner, 4);
        Assert.Equal(ConfigurationChangeOutcome.LearnerBehind, behind.Outcome);
        Assert.Contains("learner 4", behind.Reason);

        net.Restart(4);
        net.TickUntil(() => leader.Node.Status().Progress.Single(p => p.Id == 4).Match == leader.Node.Status().LastIndex, 50, "the learner caught up");
        CommitChange(net, Change(net, ConfigurationChangeType.PromoteLearner, 4));
        Assert.Equal([1, 2, 3, 4], leader.Node.Configuration.Voters);

        // Four voters: the leader and one follower are no longer a majority.
        foreach (var id in new[] { 1, 2, 3, 4 }.Where(id => id != leader.Id).Skip(1)) net.Crash(id);
        var write = leader.Node.Propose([2]);
        net.Tick(3);
        Assert.True(leader.Node.Status().Commit < write.Index, $"two of four voters committed an entry\n{net.Describe()}");
    }

    [Fact]
    public void At_most_one_change_is_in_flight()
    {
        var net = Group(5);
        var leader = Ready(net);
        var followers = new[] { 1, 2, 3 }.Where(id => id != leader.Id).ToArray();
        foreach (var id in followers) net.Crash(id);
        var first = Change(net, ConfigurationChangeType.AddLearner, 4);
        Assert.Equal(ConfigurationChangeOutcome.Accepted, first.Outcome);
        var second = Change(net, ConfigurationChangeType.AddLearner, 5);
        Assert.Equal(ConfigurationChangeOutcome.ChangeInProgress, second.Outcome);

        foreach (var id in followers) net.Restart(id);
        CommitChange(net, first);
        Assert.Equal(ConfigurationChangeOutcome.Accepted, Change(net, ConfigurationChangeType.AddLearner, 5).Outcome);
        Assert.Equal(leader.Id, net.Leader!.Id);
    }

    [Fact]
    public void A_new_leader_changes_nothing_before_it_commits_an_entry_of_its_term()
    {
        var r = new Replica(Config(1, 3));
        ElectLeader(r);
        var result = r.Node.ProposeConfigurationChange(new ConfigurationChange(ConfigurationChangeType.AddLearner, 4));
        Assert.Equal(ConfigurationChangeOutcome.NotReady, result.Outcome);

        var follower = new Replica(Config(2, 3));
        Assert.Equal(ConfigurationChangeOutcome.NotLeader,
            follower.Node.ProposeConfigurationChange(new ConfigurationChange(ConfigurationChangeType.AddLearner, 4)).Outcome);
    }

    [Theory]
    [InlineData(ConfigurationChangeType.AddLearner, 2, "already a voter")]
    [InlineData(ConfigurationChangeType.AddLearner, 0, "not positive")]
    [InlineData(ConfigurationChangeType.Remove, 7, "not a member")]
    [InlineData(ConfigurationChangeType.PromoteLearner, 3, "already a voter")]
    [InlineData(ConfigurationChangeType.PromoteLearner, 7, "not a member")]
    public void Nonsensical_changes_are_refused_with_a_reason(ConfigurationChangeType type, int id, string reason)
    {
        var net = Group();
        Ready(net);
        var result = Change(net, type, id);
        Assert.Equal(ConfigurationChangeOutcome.Invalid, result.Outcome);
        Assert.Contains(reason, result.Reason);
    }

    [Fact]
    public void The_only_voter_cannot_be_removed()
    {
        var r = new Replica(Config(1, 1));
        TickUntilCampaign(r);
        r.Drain();
        var result = r.Node.ProposeConfigurationChange(new ConfigurationChange(ConfigurationChangeType.Remove, 1));
        Assert.Equal((ConfigurationChangeOutcome.Invalid, "replica 1 is the only voter"), (result.Outcome, result.Reason));
    }

    [Fact]
    public void A_removed_follower_stops_counting_and_cannot_disrupt_the_group()
    {
        var net = Group(3);
        var leader = Ready(net);
        var removed = net.Replicas.First(r => r.Id != leader.Id);
        CommitChange(net, Change(net, ConfigurationChangeType.Remove, removed.Id));
        Assert.DoesNotContain(leader.Node.Status().Progress, p => p.Id == removed.Id);
        var term = leader.Node.Term;

        // The leader no longer replicates to it, so it times out and campaigns (thesis §4.2.3); the members, who
        // hear their leader, ignore it, and its log lacks the change, so it could never win their votes anyway.
        net.Tick(100);
        Assert.Equal((StateRole.Leader, term), (leader.Node.Role, leader.Node.Term));
        Assert.NotEqual(StateRole.Leader, removed.Node.Role);

        // Two voters: the leader alone is not a majority; with the other voter it is.
        var other = net.Replicas.Single(r => r.Id != leader.Id && r.Id != removed.Id);
        net.Crash(other.Id);
        var write = leader.Node.Propose([3]);
        net.Tick(3);
        Assert.True(leader.Node.Status().Commit < write.Index, "the removed replica's acknowledgement counted");
        net.Restart(other.Id);
        net.TickUntil(() => leader.Node.Status().Commit >= write.Index, 30, "the write committed by the remaining voters");
    }

    [Fact]
    public void A_leader_that_removes_itself_leads_until_the_change_commits_then_hands_over_and_steps_down()
    {
        var net = Group(3);
        var leader = Ready(net);
        var result = leader.Node.ProposeConfigurationChange(new ConfigurationChange(ConfigurationChangeType.Remove, leader.Id));
        Assert.Equal(ConfigurationChangeOutcome.Accepted, result.Outcome);
        // Until it commits, the leader still leads (and replicates) without counting itself.
        Assert.Equal(StateRole.Leader, leader.Node.Role);
        Assert.DoesNotContain(leader.Id, leader.Node.Configuration.Voters);

        net.DeliverAll();
        Assert.NotEqual(StateRole.Leader, leader.Node.Role);
        var successor = net.ElectLeader(maxTicks: 30, except: leader.Id);
        Assert.True(successor.Node.Status().Commit >= result.Index);
        Assert.Equal(2, successor.Node.Configuration.Voters.Count);
        // Handed over by TimeoutNow, not by an election timeout.
        Assert.Contains(net.Delivered, m => m.From == leader.Id && m.Type == MessageType.TimeoutNow);

        net.Tick(100);
        Assert.NotEqual(StateRole.Leader, leader.Node.Role);
        Assert.All(net.LeadersByTerm.Values, leaders => Assert.Single(leaders));
    }

    [Fact]
    public void A_configuration_governs_as_soon_as_it_is_appended_and_stops_when_truncated()
    {
        var follower = new Replica(Config(2, 3));
        var withLearner = new GroupConfiguration([new(1, 0, true), new(2, 0, true), new(3, 0, true), new(4, 0, false)]);
        follower.Step(Append(1, 2, 1, 0, 0, 0, new Entry(1, 1, EntryType.Noop, []), new Entry(1, 2, EntryType.Config, ConfigurationCodec.Encode(withLearner))));
        follower.Drain();
        Assert.Equal(withLearner, follower.Node.Configuration); // uncommitted, in force (thesis §4.1)
        Assert.Equal(2, follower.Node.ConfigurationIndex);

        // A leader of term 2 never had it: its entry at 2 overwrites the configuration, and the initial one governs again.
        follower.Step(Append(3, 2, 2, 1, 1, 0, new Entry(2, 2, EntryType.Noop, [])));
        follower.Drain();
        Assert.Equal(GroupConfiguration.OfVoters([1, 2, 3]), follower.Node.Configuration);
        Assert.Equal(0, follower.Node.ConfigurationIndex);
    }

    [Fact]
    public void A_new_member_started_outside_the_group_waits_until_a_configuration_makes_it_a_voter()
    {
        var net = Group();
        net.Tick(200);
        Assert.Equal(StateRole.Follower, net[4].Node.Role);
        Assert.DoesNotContain(net.Delivered, m => m.From == 4);
        var leader = Ready(net);
        CommitChange(net, Change(net, ConfigurationChangeType.AddLearner, 4));
        net.TickUntil(() => leader.Node.Status().Progress.Single(p => p.Id == 4).Match == leader.Node.Status().LastIndex, 50, "the learner caught up");
        CommitChange(net, Change(net, ConfigurationChangeType.PromoteLearner, 4));

        // Now a voter that holds the configuration: it can be elected.
        net.Crash(leader.Id);
        var next = net.ElectLeader(maxTicks: 300, except: leader.Id);
        Assert.Contains(4, next.Node.Configuration.Voters);
        net.TickUntil(() => net[4].Node.Configuration.IsVoter(4), 10, "replica 4 knows it votes");
    }

    [Fact]
    public void A_restart_keeps_a_persisted_vote_for_a_member_added_after_the_initial_voters()
    {
        var storage = new MemoryRaftLogStorage(new HardState(5, 4, 0), []);
        var node = new RaftNode(Config(1, 3), storage, new Random(1));
        Assert.Equal(5, node.Term);
    }

    [Fact]
    public void Snapshots_carry_learners_and_locations_and_a_new_member_learns_them_from_an_install()
    {
        var net = Group();
        var leader = Ready(net);
        CommitChange(net, Change(net, ConfigurationChangeType.AddLearner, 4, "silo-four"));
        var applied = leader.Node.Status().Commit;
        var metadata = leader.Node.SnapshotMetadataAt(applied);
        Assert.Equal(leader.Node.Configuration, metadata.Configuration);
        Assert.Equal([1, 2, 3], metadata.Voters);

        // A fifth replica installs a snapshot carrying the configuration: it learns the group without the entries.
        var fresh = new Replica(Config(5, 3));
        fresh.Step(new Message
        {
            Type = MessageType.Snapshot, From = leader.Id, To = 5, Term = leader.Node.Term, Index = applied, LogTerm = metadata.Term,
            Data = new byte[] { 1 }, Done = true, TotalBytes = 1, Voters = metadata.Voters, Configuration = metadata.Configuration,
        });
        fresh.Drain();
        Assert.Equal(metadata.Configuration, Assert.Single(fresh.Installed).Metadata.Configuration);
        Assert.Equal("silo-four", fresh.Node.Configuration.Find(4)!.Location);
    }

    [Fact]
    public void Status_lists_learners_beside_voters()
    {
        var net = Group();
        var leader = Ready(net);
        CommitChange(net, Change(net, ConfigurationChangeType.AddLearner, 4));
        var progress = leader.Node.Status().Progress;
        Assert.Equal([1, 2, 3, 4], progress.Select(p => p.Id));
        Assert.Equal([true, true, true, false], progress.Select(p => p.IsVoter));
    }
}
