using RaftOrleans.Consensus;
using RaftOrleans.Grains;
using RaftOrleans.Nemesis.Tests.Checks;
using RaftOrleans.Testing.Checks;
using RaftOrleans.Testing.Cluster;
using RaftOrleans.Testing.History;
using Xunit;

namespace RaftOrleans.Nemesis.Tests.SelfTests;

/// <summary>Each end-of-run check catches the violation it exists for, on hand-made evidence.</summary>
public sealed class CheckTests
{
    private static HistoryOperation Op(long id, HistoryOpKind kind, string? value, long invoke, long? complete, HistoryOutcome? outcome, string? read = null, string? expected = null)
        => new() { Id = id, Process = (int)id, Kind = kind, Key = "k", Value = value, ExpectedValue = expected, InvokeTime = invoke, CompleteTime = complete, Outcome = outcome, ReadValue = read };

    [Fact]
    public void An_acknowledged_write_missing_from_the_final_state_is_reported_lost()
    {
        var history = new[]
        {
            Op(0, HistoryOpKind.Put, "a", 0, 10, HistoryOutcome.Ok),
            Op(1, HistoryOpKind.Put, "b", 20, 30, HistoryOutcome.Ok),
        };
        var lost = AcknowledgedWrites.FindLost(history, new Dictionary<string, string?> { ["k"] = "a" });
        Assert.Equal(["key k: acknowledged #1 p1 Put(k, \"b\") [20..30] Ok is lost: the final value is \"a\" and no write could have come after it"], lost);
    }

    [Fact]
    public void A_write_overwritten_by_a_later_or_concurrent_one_is_not_lost()
    {
        var history = new[]
        {
            Op(0, HistoryOpKind.Put, "a", 0, 10, HistoryOutcome.Ok),
            Op(1, HistoryOpKind.Put, "b", 5, null, null), // indeterminate, concurrent with #0
            Op(2, HistoryOpKind.Delete, null, 40, 50, HistoryOutcome.Ok, read: "a"),
        };
        Assert.Empty(AcknowledgedWrites.FindLost(history, new Dictionary<string, string?> { ["k"] = "b" }));
        Assert.Empty(AcknowledgedWrites.FindLost(history, new Dictionary<string, string?> { ["k"] = null }));
    }

    [Fact]
    public void A_final_value_nobody_wrote_is_reported()
    {
        var history = new[] { Op(0, HistoryOpKind.Put, "a", 0, 10, HistoryOutcome.Ok), Op(1, HistoryOpKind.Cas, "c", 20, 30, HistoryOutcome.CasConflict, read: "a", expected: "x") };
        var lost = AcknowledgedWrites.FindLost(history, new Dictionary<string, string?> { ["k"] = "c" });
        Assert.Contains("key k: final value \"c\" was never written by any operation that may have taken effect", lost);
    }

    [Fact]
    public void The_ledger_reports_two_different_entries_applied_at_one_index()
    {
        var ledger = new AppliedEntryLedger();
        ledger.Record(1, new Entry(2, 7, EntryType.Normal, [1, 2, 3]));
        ledger.Record(2, new Entry(2, 7, EntryType.Normal, [1, 2, 3]));
        Assert.Empty(ledger.Conflicts);
        ledger.Record(3, new Entry(3, 7, EntryType.Normal, [9]));
        var conflict = Assert.Single(ledger.Conflicts);
        Assert.StartsWith("index 7: replica 1 applied (term 2, Normal, 3 bytes", conflict);
        Assert.Contains("but replica 3 applied (term 3, Normal, 1 bytes", conflict);
        Assert.Equal((3, 7L), (ledger.Applications, ledger.HighestIndex));
    }

    private static RaftEntryData E(long index, long term, byte data) => new() { Index = index, Term = term, Data = [data] };

    [Fact]
    public void Durable_logs_that_differ_below_the_commit_index_are_reported()
    {
        var a = new DurableLog(1, 2, 2, [E(1, 1, 1), E(2, 1, 2)]);
        var b = new DurableLog(2, 2, 2, [E(1, 1, 1), E(2, 2, 7)]);
        var problem = Assert.Single(DurableLog.Compare([a, b]));
        Assert.Equal("index 2 is committed on replicas 1 and 2 with different entries: term 1 (1 bytes) vs term 2 (1 bytes)", problem);
    }

    [Fact]
    public void Durable_logs_that_agree_on_a_term_but_not_on_what_precedes_it_break_log_matching()
    {
        // Index 3 has term 2 on both, so indexes 1..3 must be identical; index 2 is not (and is uncommitted).
        var a = new DurableLog(1, 2, 1, [E(1, 1, 1), E(2, 1, 2), E(3, 2, 3)]);
        var b = new DurableLog(2, 2, 1, [E(1, 1, 1), E(2, 1, 9), E(3, 2, 3)]);
        var problem = Assert.Single(DurableLog.Compare([a, b]));
        Assert.Equal("replicas 1 and 2 agree on the term of index 3 but differ at index 2: term 1 vs term 1 (log matching broken)", problem);
    }

    [Fact]
    public void Durable_logs_may_differ_in_an_uncommitted_suffix_of_other_terms()
    {
        var a = new DurableLog(1, 3, 1, [E(1, 1, 1), E(2, 2, 2)]);
        var b = new DurableLog(2, 3, 1, [E(1, 1, 1), E(2, 3, 5), E(3, 3, 6)]);
        Assert.Empty(DurableLog.Compare([a, b, a with { Replica = 3 }]));
    }
}
