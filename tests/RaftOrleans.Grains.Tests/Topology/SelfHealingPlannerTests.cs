using RaftOrleans.Consensus;
using RaftOrleans.Grains.Replica;
using Xunit;

namespace RaftOrleans.Grains.Tests.Topology;

/// <summary>
/// The self-healing rules (issue #13 item 5) without a cluster: a member down for the grace period is replaced by a
/// learner on a live spare, promoted, and only then removed; never below a majority or the minimum size; nothing
/// without a spare or before the grace period ends.
/// </summary>
public sealed class SelfHealingPlannerTests
{
    private static readonly TimeSpan Grace = TimeSpan.FromMinutes(5);
    private static readonly DateTimeOffset T0 = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    private static GroupConfiguration Config(int[] voters, int[]? learners = null)
        => new(voters.Select(v => new GroupMember(v, 0, true, "silo" + v))
            .Concat((learners ?? []).Select(l => new GroupMember(l, 0, false, "silo" + l))));

    private static Dictionary<int, string> Spares(params int[] ids) => ids.ToDictionary(i => i, i => "silo" + i);

    private static Func<int, bool> UpExcept(params int[] down) => id => !down.Contains(id);

    [Fact]
    public void A_dead_voter_is_replaced_by_adding_a_learner_on_the_lowest_live_spare_then_promoting_then_removing()
    {
        var planner = new SelfHealingPlanner(Grace, 3);
        var up = UpExcept(2);
        Assert.Null(planner.Next(Config([1, 2, 3]), 1, up, Spares(5, 4), T0));
        Assert.Null(planner.Next(Config([1, 2, 3]), 1, up, Spares(5, 4), T0 + Grace - TimeSpan.FromSeconds(1)));

        var add = planner.Next(Config([1, 2, 3]), 1, up, Spares(5, 4), T0 + Grace);
        Assert.Equal(new ConfigurationChange(ConfigurationChangeType.AddLearner, 4, "silo4"), add);

        var promote = planner.Next(Config([1, 2, 3], [4]), 1, up, Spares(5), T0 + Grace);
        Assert.Equal(new ConfigurationChange(ConfigurationChangeType.PromoteLearner, 4), promote);

        var remove = planner.Next(Config([1, 2, 3, 4]), 1, up, Spares(5), T0 + Grace);
        Assert.Equal(new ConfigurationChange(ConfigurationChangeType.Remove, 2), remove);

        Assert.Null(planner.Next(Config([1, 3, 4]), 1, up, Spares(5), T0 + Grace));
    }

    [Fact]
    public void Nothing_happens_without_a_live_spare_or_when_the_silo_comes_back_within_the_grace_period()
    {
        var planner = new SelfHealingPlanner(Grace, 3);
        Assert.Null(planner.Next(Config([1, 2, 3]), 1, UpExcept(2), Spares(), T0));
        Assert.Null(planner.Next(Config([1, 2, 3]), 1, UpExcept(2), Spares(), T0 + Grace * 2));

        var returning = new SelfHealingPlanner(Grace, 3);
        Assert.Null(returning.Next(Config([1, 2, 3]), 1, UpExcept(2), Spares(4), T0));
        Assert.Null(returning.Next(Config([1, 2, 3]), 1, UpExcept(), Spares(4), T0 + Grace / 2));
        // Down again: the countdown starts over from this observation.
        Assert.Null(returning.Next(Config([1, 2, 3]), 1, UpExcept(2), Spares(4), T0 + Grace));
        Assert.Null(returning.Next(Config([1, 2, 3]), 1, UpExcept(2), Spares(4), T0 + Grace * 2 - TimeSpan.FromSeconds(1)));
        Assert.NotNull(returning.Next(Config([1, 2, 3]), 1, UpExcept(2), Spares(4), T0 + Grace * 2));
    }

    [Fact]
    public void A_reset_restarts_every_countdown_as_a_new_leader_would()
    {
        var planner = new SelfHealingPlanner(Grace, 3);
        Assert.Null(planner.Next(Config([1, 2, 3]), 1, UpExcept(2), Spares(4), T0));
        planner.Reset();
        Assert.Null(planner.Next(Config([1, 2, 3]), 1, UpExcept(2), Spares(4), T0 + Grace));
        Assert.NotNull(planner.Next(Config([1, 2, 3]), 1, UpExcept(2), Spares(4), T0 + Grace * 2));
    }

    [Fact]
    public void A_dead_learner_is_removed_before_anything_else_and_a_live_learner_is_promoted_instead_of_adding_one()
    {
        var planner = new SelfHealingPlanner(Grace, 3);
        planner.Next(Config([1, 2, 3], [4, 5]), 1, UpExcept(2, 4), Spares(6), T0);
        var removeLearner = planner.Next(Config([1, 2, 3], [4, 5]), 1, UpExcept(2, 4), Spares(6), T0 + Grace);
        Assert.Equal(new ConfigurationChange(ConfigurationChangeType.Remove, 4), removeLearner);
        var promote = planner.Next(Config([1, 2, 3], [5]), 1, UpExcept(2), Spares(6), T0 + Grace);
        Assert.Equal(new ConfigurationChange(ConfigurationChangeType.PromoteLearner, 5), promote);
    }

    [Fact]
    public void Two_dead_voters_of_five_are_replaced_one_at_a_time_and_the_group_never_shrinks_below_five()
    {
        var planner = new SelfHealingPlanner(Grace, 3);
        var up = UpExcept(1, 2);
        var config = Config([1, 2, 3, 4, 5]);
        var spares = new SortedSet<int> { 6, 7 };
        planner.Next(config, 3, up, Spares([.. spares]), T0);
        var steps = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            var change = planner.Next(config, 3, up, Spares([.. spares]), T0 + Grace);
            if (change is null) break;
            steps.Add($"{change.Type} {change.Id}");
            config = change.Type switch
            {
                ConfigurationChangeType.AddLearner => config.With(new GroupMember(change.Id, 0, false, change.Location)),
                ConfigurationChangeType.PromoteLearner => config.With(config.Find(change.Id)! with { IsVoter = true }),
                _ => config.Without(change.Id),
            };
            spares.Remove(change.Id);
            Assert.True(config.Voters.Count >= 5, $"after {string.Join(", ", steps)}: {config}");
        }
        Assert.Equal(["AddLearner 6", "PromoteLearner 6", "Remove 1", "AddLearner 7", "PromoteLearner 7", "Remove 2"], steps);
        Assert.Equal([3, 4, 5, 6, 7], config.Voters);
    }

    [Fact]
    public void An_even_group_drops_a_dead_voter_only_while_the_rest_stay_a_majority_and_above_the_minimum()
    {
        var planner = new SelfHealingPlanner(Grace, 3);
        planner.Next(Config([1, 2, 3, 4]), 1, UpExcept(2), Spares(), T0);
        Assert.Equal(new ConfigurationChange(ConfigurationChangeType.Remove, 2), planner.Next(Config([1, 2, 3, 4]), 1, UpExcept(2), Spares(), T0 + Grace));

        var small = new SelfHealingPlanner(Grace, 3);
        small.Next(Config([1, 2]), 1, UpExcept(2), Spares(), T0);
        Assert.Null(small.Next(Config([1, 2]), 1, UpExcept(2), Spares(), T0 + Grace));

        // Four voters with the leader the only one up (no real leader is left in this state: CheckQuorum steps it
        // down first): removing a dead one would leave one live voter of three, so the planner refuses regardless.
        var shaky = new SelfHealingPlanner(Grace, 3);
        shaky.Next(Config([1, 2, 3, 4]), 1, UpExcept(2, 3, 4), Spares(), T0);
        Assert.Null(shaky.Next(Config([1, 2, 3, 4]), 1, UpExcept(2, 3, 4), Spares(), T0 + Grace));
    }

    [Fact]
    public void The_leader_itself_is_never_counted_down()
    {
        var planner = new SelfHealingPlanner(Grace, 3);
        planner.Next(Config([1, 2, 3]), 1, _ => false, Spares(4), T0);
        Assert.DoesNotContain(1, planner.DownSince.Keys);
    }
}
