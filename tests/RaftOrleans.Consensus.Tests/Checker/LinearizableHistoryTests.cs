using RaftOrleans.Testing.Linearizability;
using Xunit;

namespace RaftOrleans.Consensus.Tests.Checker;

/// <summary>Histories that have a linearization: the checker must accept each.</summary>
public sealed class LinearizableHistoryTests
{
    private static void AssertLinearizable(HistoryBuilder history)
    {
        LinearizabilityResult result = LinearizabilityChecker.Check(history.Build());
        Assert.True(result.Ok, result.Explanation);
        Assert.Equal(LinearizabilityVerdict.Linearizable, result.Verdict);
    }

    [Fact]
    public void Empty_history_is_linearizable()
    {
        LinearizabilityResult result = LinearizabilityChecker.Check([]);

        Assert.True(result.Ok);
        Assert.Equal(0, result.OperationsChecked);
        Assert.Empty(result.Keys);
    }

    [Fact]
    public void Sequential_writes_and_reads()
    {
        AssertLinearizable(new HistoryBuilder()
            .Get(1, "k", null, 0, 1)
            .Put(1, "k", "a", 2, 3)
            .Get(2, "k", "a", 4, 5)
            .Delete(1, "k", "a", 6, 7)
            .Get(2, "k", null, 8, 9)
            .Cas(1, "k", null, "b", swapped: true, 10, 11)
            .Cas(2, "k", "a", "c", swapped: false, 12, 13, current: "b")
            .Cas(2, "k", "b", "c", swapped: true, 14, 15)
            .Get(1, "k", "c", 16, 17));
    }

    [Theory]
    [InlineData("a")]
    [InlineData("b")]
    public void Concurrent_overlapping_writes_may_be_read_either_way(string seen)
    {
        AssertLinearizable(new HistoryBuilder()
            .Put(1, "k", "a", 0, 10)
            .Put(2, "k", "b", 1, 9)
            .Get(3, "k", seen, 11, 12)
            .Get(1, "k", seen, 13, 14));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("a")]
    public void A_read_concurrent_with_a_write_may_see_before_or_after(string? seen)
    {
        AssertLinearizable(new HistoryBuilder()
            .Put(1, "k", "a", 0, 10)
            .Get(2, "k", seen, 2, 5));
    }

    [Fact]
    public void Reads_may_flip_only_once_while_a_write_is_in_flight()
    {
        AssertLinearizable(new HistoryBuilder()
            .Put(0, "k", "old", 0, 1)
            .Put(1, "k", "new", 2, 20)
            .Get(2, "k", "old", 3, 4)
            .Get(2, "k", "new", 5, 6)
            .Get(3, "k", "new", 7, 8));
    }

    [Fact]
    public void An_indeterminate_write_may_be_seen()
    {
        AssertLinearizable(new HistoryBuilder()
            .Put(1, "k", "x", 0, null)
            .Get(2, "k", "x", 5, 6));
    }

    [Fact]
    public void An_indeterminate_write_may_never_take_effect()
    {
        AssertLinearizable(new HistoryBuilder()
            .Put(1, "k", "x", 0, null)
            .Get(2, "k", null, 5, 6)
            .Get(2, "k", null, 100, 101));
    }

    [Fact]
    public void An_indeterminate_write_may_take_effect_long_after_its_client_gave_up()
    {
        AssertLinearizable(new HistoryBuilder()
            .Put(1, "k", "x", 0, null)
            .Get(2, "k", null, 50, 51)
            .Put(2, "k", "y", 52, 53)
            .Get(3, "k", "x", 60, 61));
    }

    [Theory]
    [InlineData("a")]
    [InlineData("b")]
    public void An_indeterminate_cas_may_succeed_or_not(string seen)
    {
        AssertLinearizable(new HistoryBuilder()
            .Put(1, "k", "a", 0, 1)
            .Cas(2, "k", "a", "b", swapped: true, 2, null)
            .Get(3, "k", seen, 10, 11));
    }

    [Fact]
    public void An_indeterminate_delete_may_remove_the_key()
    {
        AssertLinearizable(new HistoryBuilder()
            .Put(1, "k", "a", 0, 1)
            .Delete(2, "k", "a", 2, null)
            .Get(3, "k", "a", 10, 11)
            .Get(3, "k", null, 12, 13));
    }

    [Fact]
    public void Indeterminate_reads_are_ignored()
    {
        LinearizabilityResult result = LinearizabilityChecker.Check(new HistoryBuilder()
            .Put(1, "k", "a", 0, 1)
            .Get(2, "k", null, 2, null)
            .Build());

        Assert.True(result.Ok, result.Explanation);
        Assert.Equal(2, result.Keys.Single().Operations);
        Assert.Equal(1, result.Keys.Single().OperationsSearched);
    }

    [Fact]
    public void Indeterminate_writes_nobody_observed_are_not_searched()
    {
        var history = new HistoryBuilder();
        for (int i = 0; i < 60; i++) history.Put(i, "k", $"lost{i}", i, null);
        history.Put(100, "k", "seen", 10, null);
        history.Get(101, "k", "seen", 70, 71);
        history.Get(102, "k", "seen", 72, 73);

        LinearizabilityResult result = LinearizabilityChecker.Check(history.Build());

        Assert.True(result.Ok, result.Explanation);
        Assert.Equal(63, result.Keys.Single().Operations);
        Assert.Equal(3, result.Keys.Single().OperationsSearched);
    }

    [Fact]
    public void Keys_are_checked_independently()
    {
        LinearizabilityResult result = LinearizabilityChecker.Check(new HistoryBuilder()
            .Put(1, "x", "1", 0, 1)
            .Put(1, "y", "2", 2, 3)
            .Get(2, "x", "1", 4, 5)
            .Get(2, "y", "2", 4, 5)
            .Build());

        Assert.True(result.Ok, result.Explanation);
        Assert.Equal(["x", "y"], result.Keys.Select(k => k.Key));
        Assert.Equal(4, result.OperationsChecked);
    }
}
