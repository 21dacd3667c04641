using RaftOrleans.Nemesis.Tests.Faults;
using RaftOrleans.Nemesis.Tests.Harness;
using Xunit;

namespace RaftOrleans.Nemesis.Tests.SelfTests;

/// <summary>A schedule is a function of its seed, and keeps the limits that make runs meaningful.</summary>
public sealed class FaultScheduleTests
{
    [Fact]
    public void The_same_seed_makes_the_same_schedule_and_another_seed_another()
    {
        var duration = TimeSpan.FromSeconds(20);
        Assert.Equal(FaultSchedule.Mixed(42, 3, duration).ToString(), FaultSchedule.Mixed(42, 3, duration).ToString());
        Assert.NotEqual(FaultSchedule.Mixed(42, 3, duration).ToString(), FaultSchedule.Mixed(43, 3, duration).ToString());
        Assert.Equal(FaultSchedule.Alone(7, TimeSpan.FromSeconds(3)).ToString(), FaultSchedule.Alone(7, TimeSpan.FromSeconds(3)).ToString());
    }

    [Theory]
    [InlineData(3)]
    [InlineData(5)]
    public void Mixed_schedules_keep_a_majority_up_fit_the_run_and_pause_past_the_election_timeout(int replicas)
    {
        var duration = TimeSpan.FromSeconds(20);
        for (var seed = 0; seed < 300; seed++)
        {
            var events = FaultSchedule.Mixed(seed, replicas, duration).Events;
            Assert.NotEmpty(events);
            foreach (var e in events)
            {
                Assert.InRange(e.At, TimeSpan.FromSeconds(1), duration);
                Assert.True(e.End <= duration - TimeSpan.FromSeconds(0.5), $"seed {seed}: {e} ends after the run");
                if (e.Spec.Kind == FaultKind.Pause) Assert.True(e.Duration >= FaultSchedule.MinimumPause, $"seed {seed}: {e}");
                var downTogether = events.Count(o => o.Spec.TakesSiloDown && o.At <= e.At && o.End > e.At);
                if (e.Spec.TakesSiloDown) Assert.True(downTogether <= (replicas - 1) / 2, $"seed {seed}: {downTogether} silo-down faults at {e.At}");
            }
        }
    }

    [Fact]
    public void Mixed_schedules_over_many_seeds_use_every_fault()
    {
        var used = Enumerable.Range(0, 50).SelectMany(seed => FaultSchedule.Mixed(seed, 3, TimeSpan.FromSeconds(20)).Events).Select(e => e.Spec).ToHashSet();
        Assert.Equal(FaultSpec.All.ToHashSet(), used);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(5)]
    public void Mixed_schedules_include_membership_faults_by_seed_and_never_two_at_once(int replicas)
    {
        var duration = TimeSpan.FromSeconds(15);
        var withMembership = 0;
        for (var seed = 0; seed < 300; seed++)
        {
            var membership = FaultSchedule.Mixed(seed, replicas, duration).Events.Where(e => e.Spec.ChangesMembership).ToList();
            if (membership.Count > 0) withMembership++;
            for (var i = 1; i < membership.Count; i++)
            {
                Assert.True(membership[i].At >= membership[i - 1].End + FaultSchedule.MembershipSpacing, $"seed {seed}: {membership[i - 1]} and {membership[i]} overlap");
            }
        }
        // A 15 s run has about ten faults, four of the 21 kinds membership faults: most runs have one or more.
        Assert.InRange(withMembership, 200, 300);
        Assert.Equal(
            FaultSchedule.Mixed(11, replicas, duration).Events.Where(e => e.Spec.ChangesMembership).Select(e => e.ToString()),
            FaultSchedule.Mixed(11, replicas, duration).Events.Where(e => e.Spec.ChangesMembership).Select(e => e.ToString()));
    }

    [Fact]
    public void Membership_faults_are_known_and_count_against_the_minority_that_may_be_lost()
    {
        var membership = FaultSpec.All.Where(s => s.ChangesMembership).Select(s => s.ToString()).Order().ToList();
        Assert.Equal(["grow(spare)", "reconfigure(follower)", "reconfigure(leader)", "wipe(follower)"], membership);
        // A removed voter or a wiped disk is a voter the group cannot count on until the heal; a grown group is not smaller.
        Assert.True(new FaultSpec(FaultKind.Reconfigure, FaultTarget.Follower).TakesSiloDown);
        Assert.True(new FaultSpec(FaultKind.Wipe, FaultTarget.Follower).TakesSiloDown);
        Assert.False(new FaultSpec(FaultKind.Grow, FaultTarget.Spare).TakesSiloDown);
    }

    [Fact]
    public void An_alone_schedule_runs_every_fault_once_one_at_a_time()
    {
        var events = FaultSchedule.Alone(3, TimeSpan.FromSeconds(2)).Events;
        Assert.Equal(FaultSpec.All.OrderBy(s => s.ToString()), events.Select(e => e.Spec).OrderBy(s => s.ToString()));
        for (var i = 1; i < events.Count; i++) Assert.True(events[i].At >= events[i - 1].End + TimeSpan.FromSeconds(1.5));
    }

    [Fact]
    public void A_run_plan_prints_the_command_that_replays_it()
    {
        var plan = RunPlan.Mixed(17, new NemesisSettings { Seconds = 20 });
        Assert.Equal(5, plan.Replicas); // every third seed (17 % 3 == 2) runs 5 silos
        Assert.Equal(
            "RAFTKV_NEMESIS_SEED=17 RAFTKV_NEMESIS_REPLICAS=5 RAFTKV_NEMESIS_SECONDS=20 RAFTKV_NEMESIS_CLIENTS=5 RAFTKV_NEMESIS_KEYS=4 "
            + "dotnet test tests/RaftOrleans.Nemesis.Tests -c Release --filter \"FullyQualifiedName~NemesisCampaignTests.Mixed_faults_campaign\" --logger \"console;verbosity=detailed\"",
            plan.ReplayCommand);
        Assert.Equal("kill(first-silo)", new FaultSpec(FaultKind.Kill, FaultTarget.FirstSilo).ToString());
    }
}
