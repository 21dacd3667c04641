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

    [Fact]
    public void A_wiped_replicas_new_log_from_a_snapshot_agrees_but_a_different_committed_entry_is_reported()
    {
        // Replica 3 came back on a blank disk and was filled by a snapshot at index 2: its log starts at 3.
        var group = new DurableLog(1, 2, 4, [E(1, 1, 1), E(2, 1, 2), E(3, 2, 3), E(4, 2, 4)]);
        var refilled = new DurableLog(3, 2, 4, [E(3, 2, 3), E(4, 2, 4)]) { FirstIndex = 3 };
        Assert.Empty(DurableLog.Compare([group, refilled]));
        var diverged = refilled with { Entries = [E(3, 2, 3), E(4, 2, 9)] };
        Assert.Equal(["index 4 is committed on replicas 1 and 3 with different entries: term 2 (1 bytes) vs term 2 (1 bytes)"], DurableLog.Compare([group, diverged]));
    }

    [Fact]
    public void A_wiped_replica_re_applying_the_same_entries_is_no_conflict_but_another_entry_is()
    {
        var ledger = new AppliedEntryLedger();
        ledger.Record(2, new Entry(1, 5, EntryType.Normal, [7]));
        ledger.Record(2, new Entry(1, 5, EntryType.Normal, [7])); // its new incarnation applies index 5 again
        Assert.Empty(ledger.Conflicts);
        ledger.Record(2, new Entry(1, 5, EntryType.Normal, [8]));
        Assert.Single(ledger.Conflicts);
    }

    private static MemberInfo Member(int replica, bool voter = true, long incarnation = 10) => new() { Replica = replica, IsVoter = voter, Incarnation = incarnation };

    [Fact]
    public void A_blank_replica_that_was_brought_up_to_date_under_its_old_name_is_reported()
    {
        Assert.Null(MembershipChecks.CountedWhileBlank(new ReplicaStatus { Replica = 2, Role = "Follower", Term = 4 }, recorded: 77));
        var counted = MembershipChecks.CountedWhileBlank(new ReplicaStatus { Replica = 2, Role = "Follower", Term = 4, Commit = 12, Applied = 12 }, recorded: 77);
        Assert.Equal("replica 2, back on a blank disk and still recorded under its lost incarnation 77, was brought up to date: commit 12, applied 12, term 4, Follower (the group counted a replica it must ignore)", counted);
    }

    [Fact]
    public void A_replaced_replica_under_its_lost_or_no_incarnation_is_reported()
    {
        Assert.Null(MembershipChecks.NewIncarnationProblem(Member(2, incarnation: 8), lost: 77));
        Assert.Contains("(the lost disk's)", MembershipChecks.NewIncarnationProblem(Member(2, incarnation: 77), lost: 77));
        Assert.Contains("(none)", MembershipChecks.NewIncarnationProblem(Member(2, incarnation: 0), lost: 77));
    }

    [Fact]
    public void An_end_configuration_other_than_the_first_one_is_reported()
    {
        var none = new Dictionary<int, long>();
        Assert.Null(MembershipChecks.FirstConfigurationProblem([Member(1), Member(2), Member(3)], 3, none));
        Assert.Equal("replicas 2 are not members", MembershipChecks.FirstConfigurationProblem([Member(1), Member(3)], 3, none));
        Assert.Equal("replicas 4 are members but were not in the first configuration; replicas 4 are learners",
            MembershipChecks.FirstConfigurationProblem([Member(1), Member(2), Member(3), Member(4, voter: false)], 3, none));
        Assert.Equal("replicas 3 are still recorded under the incarnation of a wiped disk",
            MembershipChecks.FirstConfigurationProblem([Member(1), Member(2), Member(3, incarnation: 77)], 3, new Dictionary<int, long> { [3] = 77 }));
    }
}
