using RaftOrleans.Grains;
using RaftOrleans.ProcessNemesis.Tests.Faults;
using Xunit;

namespace RaftOrleans.ProcessNemesis.Tests;

/// <summary>
/// Self-tests of the membership faults' decisions and checks that need no cluster, on hand-made
/// statuses: which step the driver takes from a configuration, when a target counts as reached (a
/// removed leader that has not handed over does not), and what shows a blank replica counted.
/// </summary>
public sealed class MembershipDriverTests
{
    private static MemberInfo Voter(int id, long incarnation = 0) => new() { Replica = id, Silo = $"silo{id}", IsVoter = true, Incarnation = incarnation };

    private static MemberInfo Learner(int id) => new() { Replica = id, Silo = $"silo{id}", IsVoter = false };

    private static ReplicaStatus Leader(int id, bool committed, params MemberInfo[] members)
        => new() { Replica = id, Silo = $"silo{id}", Role = "Leader", Term = 5, Commit = 100, Applied = 100, Leader = id, Members = members, ConfigurationIndex = 40, ConfigurationCommitted = committed };

    /// <summary>Removals come first (a wiped replica leaves before it is added back under its id), then adds, then promotions.</summary>
    [Fact]
    public void The_driver_removes_first_then_adds_as_learner_then_promotes()
    {
        HashSet<int> all = [1, 2, 3];
        Assert.Equal(new MembershipStep(MembershipChangeKind.Remove, 3), MembershipDriver.NextStep([Voter(1), Voter(2), Voter(3)], new HashSet<int> { 1, 2 }));
        Assert.Equal(new MembershipStep(MembershipChangeKind.Remove, 4), MembershipDriver.NextStep([Voter(1), Voter(2), Voter(3), Learner(4)], all));
        Assert.Equal(new MembershipStep(MembershipChangeKind.Remove, 4), MembershipDriver.NextStep([Voter(1), Voter(3), Voter(4)], all));
        Assert.Equal(new MembershipStep(MembershipChangeKind.AddLearner, 2), MembershipDriver.NextStep([Voter(1), Voter(3)], all));
        Assert.Equal(new MembershipStep(MembershipChangeKind.Promote, 2), MembershipDriver.NextStep([Voter(1), Learner(2), Voter(3)], all));
        Assert.Null(MembershipDriver.NextStep([Voter(1), Voter(2), Voter(3)], all));
        Assert.Equal("add silo4 as learner", new MembershipStep(MembershipChangeKind.AddLearner, 4).ToString());
    }

    /// <summary>A target is reached only on a committed configuration of exactly its voters, led by one of them.</summary>
    [Fact]
    public void A_target_is_reached_only_when_committed_exact_and_led_by_a_member()
    {
        HashSet<int> withoutTwo = [1, 3];
        Assert.True(MembershipDriver.IsReached(Leader(3, committed: true, Voter(1), Voter(3)), withoutTwo));
        Assert.False(MembershipDriver.IsReached(Leader(3, committed: false, Voter(1), Voter(3)), withoutTwo), "an uncommitted configuration may still be overwritten");
        Assert.False(MembershipDriver.IsReached(Leader(2, committed: true, Voter(1), Voter(3)), withoutTwo), "the removed leader has not handed over yet");
        Assert.False(MembershipDriver.IsReached(Leader(3, committed: true, Voter(1), Voter(3), Learner(2)), withoutTwo), "a learner is left");
        Assert.False(MembershipDriver.IsReached(Leader(3, committed: true, Voter(1), Learner(2), Voter(3)), new HashSet<int> { 1, 2, 3 }), "2 is not promoted yet");
    }

    /// <summary>A blank replica that commits, leads, or whose new incarnation the leader records before its removal is reported; an ignored one is not.</summary>
    [Fact]
    public void A_blank_replica_counted_before_its_removal_is_reported()
    {
        const long recorded = 0x1234;
        GroupStatus Status(ReplicaStatus blank, long leaderRecords) => new()
        {
            Group = "default",
            Replicas = [Leader(1, committed: true, Voter(1, 7), Voter(2, leaderRecords), Voter(3, 9)), blank, new ReplicaStatus { Replica = 3, Silo = "silo3", Role = "Follower", Term = 5, Commit = 100 }],
        };
        var ignored = new ReplicaStatus { Replica = 2, Silo = "silo2", Role = "Follower", Term = 5, Commit = 0 };
        Assert.Null(Faults.ProcessNemesis.BlankReplicaCounted(Status(ignored, recorded), 2, recorded));
        Assert.Null(Faults.ProcessNemesis.BlankReplicaCounted(Status(ignored with { Role = "Unreachable", Error = "silo starting", Commit = 0 }, recorded), 2, recorded));
        Assert.Contains("counted before its removal", Faults.ProcessNemesis.BlankReplicaCounted(Status(ignored with { Commit = 3 }, recorded), 2, recorded));
        Assert.Contains("counted before its removal", Faults.ProcessNemesis.BlankReplicaCounted(Status(ignored with { Role = "Leader", Term = 9 }, recorded), 2, recorded));
        Assert.Contains("accepted under its old name", Faults.ProcessNemesis.BlankReplicaCounted(Status(ignored, 0x9999), 2, recorded));
    }
}
