using RaftOrleans.Testing.History;
using RaftOrleans.Testing.Linearizability;
using Xunit;

namespace RaftOrleans.Consensus.Tests.Checker;

/// <summary>Histories without a linearization: the checker must reject each and say why.</summary>
public sealed class NonLinearizableHistoryTests
{
    private static KeyLinearizability AssertViolation(HistoryBuilder history, string key)
    {
        LinearizabilityResult result = LinearizabilityChecker.Check(history.Build());
        Assert.False(result.Ok);
        Assert.Equal(LinearizabilityVerdict.NotLinearizable, result.Verdict);
        KeyLinearizability failed = Assert.Single(result.Keys, k => k.Verdict == LinearizabilityVerdict.NotLinearizable);
        Assert.Equal(key, failed.Key);
        Assert.Contains($"key \"{key}\": NOT linearizable", result.Explanation);
        return failed;
    }

    [Fact]
    public void Stale_read_after_a_completed_write()
    {
        KeyLinearizability failed = AssertViolation(new HistoryBuilder()
            .Put(1, "k", "a", 0, 1)
            .Put(1, "k", "b", 2, 3)
            .Get(2, "k", "a", 4, 5), "k");

        Assert.Equal([0L, 1L, 2L], failed.Involved.Select(op => op.Id));
        Assert.Contains("#2 p2 Get(k) [4..5] Ok \"a\"", failed.Explanation);
    }

    [Fact]
    public void Read_of_a_value_never_written()
    {
        KeyLinearizability failed = AssertViolation(new HistoryBuilder()
            .Put(1, "k", "a", 0, 1)
            .Get(2, "k", "ghost", 2, 3), "k");

        Assert.Equal([1L], failed.Involved.Select(op => op.Id));
    }

    [Fact]
    public void Lost_cas()
    {
        AssertViolation(new HistoryBuilder()
            .Put(1, "k", "a", 0, 1)
            .Cas(2, "k", "a", "b", swapped: true, 2, 3)
            .Get(3, "k", "a", 4, 5), "k");
    }

    [Fact]
    public void Two_cas_from_the_same_expected_value_both_succeeding()
    {
        KeyLinearizability failed = AssertViolation(new HistoryBuilder()
            .Put(1, "lock", "free", 0, 1)
            .Cas(2, "lock", "free", "owner2", swapped: true, 2, 6)
            .Cas(3, "lock", "free", "owner3", swapped: true, 3, 5), "lock");

        Assert.Equal(3, failed.Involved.Count);
    }

    [Fact]
    public void Two_creates_of_an_absent_key_both_succeeding()
    {
        AssertViolation(new HistoryBuilder()
            .Cas(2, "lock", null, "owner2", swapped: true, 2, 6)
            .Cas(3, "lock", null, "owner3", swapped: true, 3, 5), "lock");
    }

    [Fact]
    public void Cas_conflict_that_saw_a_value_the_key_could_not_hold()
    {
        AssertViolation(new HistoryBuilder()
            .Put(1, "k", "a", 0, 1)
            .Cas(2, "k", "b", "c", swapped: false, 2, 3, current: "old"), "k");
    }

    [Fact]
    public void Cas_conflict_although_the_expected_value_was_there()
    {
        AssertViolation(new HistoryBuilder()
            .Put(1, "k", "a", 0, 1)
            .Cas(2, "k", "a", "c", swapped: false, 2, 3, current: "a"), "k");
    }

    [Fact]
    public void Delete_not_found_after_a_completed_write()
    {
        AssertViolation(new HistoryBuilder()
            .Put(1, "k", "a", 0, 1)
            .Delete(2, "k", null, 2, 3), "k");
    }

    [Fact]
    public void An_indeterminate_write_seen_and_then_unseen()
    {
        AssertViolation(new HistoryBuilder()
            .Put(1, "k", "x", 0, null)
            .Get(2, "k", "x", 5, 6)
            .Get(2, "k", null, 7, 8), "k");
    }

    [Fact]
    public void Reads_after_two_completed_concurrent_writes_must_agree()
    {
        AssertViolation(new HistoryBuilder()
            .Put(1, "k", "a", 0, 10)
            .Put(2, "k", "b", 1, 9)
            .Get(3, "k", "a", 11, 12)
            .Get(3, "k", "b", 13, 14), "k");
    }

    [Fact]
    public void Only_the_failing_key_is_reported()
    {
        LinearizabilityResult result = LinearizabilityChecker.Check(new HistoryBuilder()
            .Put(1, "good", "1", 0, 1)
            .Get(2, "good", "1", 2, 3)
            .Put(1, "bad", "1", 0, 1)
            .Get(2, "bad", null, 2, 3)
            .Build());

        Assert.Equal(LinearizabilityVerdict.Linearizable, result.Keys.Single(k => k.Key == "good").Verdict);
        Assert.Equal(LinearizabilityVerdict.NotLinearizable, result.Keys.Single(k => k.Key == "bad").Verdict);
        Assert.DoesNotContain("key \"good\"", result.Explanation);
    }

    [Fact]
    public void Failure_report_shrinks_to_the_contradicting_operations()
    {
        var history = new HistoryBuilder();
        for (int i = 0; i < 50; i++)
            history.Put(1, "k", $"v{i}", 10 * i, 10 * i + 1).Get(2, "k", $"v{i}", 10 * i + 2, 10 * i + 3);
        history.Put(1, "k", "a", 1000, 1001).Put(1, "k", "b", 1002, 1003).Get(2, "k", "a", 1004, 1005);
        for (int i = 0; i < 20; i++) history.Get(3, "k", "b", 1010 + i, 1010 + i);

        KeyLinearizability failed = AssertViolation(history, "k");

        Assert.Equal(["Put(k, \"a\")", "Put(k, \"b\")", "Get(k)"], failed.Involved.Select(op => op.Kind == HistoryOpKind.Get ? "Get(k)" : $"Put(k, \"{op.Value}\")"));
        Assert.Contains("These 3 operations alone have no linearization", failed.Explanation);
    }

    [Fact]
    public void A_search_that_runs_out_of_budget_is_undecided_not_ok()
    {
        var history = new HistoryBuilder();
        for (int i = 0; i < 10; i++) history.Put(i, "k", $"v{i}", 0, 100);
        history.Get(20, "k", "v3", 101, 102);

        LinearizabilityResult result = LinearizabilityChecker.Check(history.Build(), new LinearizabilityCheckerOptions { StepBudgetPerKey = 3 });

        Assert.False(result.Ok);
        Assert.Equal(LinearizabilityVerdict.Undecided, result.Verdict);
        Assert.Contains("key \"k\": UNDECIDED after 3 search steps over 11 operations", result.Explanation);
    }

    [Fact]
    public void Malformed_operations_are_rejected()
    {
        var op = new HistoryOperation { Id = 1, Process = 1, Kind = HistoryOpKind.Get, Key = "k", InvokeTime = 10, CompleteTime = 5, Outcome = HistoryOutcome.NotFound };

        var thrown = Assert.Throws<ArgumentException>(() => LinearizabilityChecker.Check([op]));
        Assert.Contains("completes before it is invoked", thrown.Message);
    }
}
