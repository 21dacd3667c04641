using Xunit;

namespace RaftOrleans.Consensus.Tests.Simulation;

/// <summary>Each invariant of <see cref="SafetyMonitor"/> fires on a hand-made violation and stays
/// quiet on the legal look-alike.</summary>
public sealed class SafetyMonitorTests
{
    private static Entry E(long index, long term, string data = "") => new(term, index, EntryType.Normal, System.Text.Encoding.UTF8.GetBytes(data));

    private static MemoryRaftLogStorage Disk(params Entry[] entries) => new(HardState.Empty, entries);

    private static SafetyViolationException Violation(Action action, string invariant)
    {
        var thrown = Assert.Throws<SafetyViolationException>(action);
        Assert.Equal(invariant, thrown.Invariant);
        return thrown;
    }

    [Fact]
    public void Two_leaders_in_one_term_break_election_safety()
    {
        var monitor = new SafetyMonitor();
        monitor.RoleObserved(1, 3, StateRole.Leader, Disk());
        monitor.RoleObserved(1, 3, StateRole.Leader, Disk());
        monitor.RoleObserved(2, 4, StateRole.Leader, Disk());
        monitor.RoleObserved(3, 3, StateRole.Candidate, Disk());

        var thrown = Violation(() => monitor.RoleObserved(3, 3, StateRole.Leader, Disk()), "election safety");
        Assert.Equal("election safety violated: replicas 1 and 3 were both leader in term 3", thrown.Message);
    }

    [Fact]
    public void Same_index_and_term_after_different_predecessors_breaks_log_matching()
    {
        var monitor = new SafetyMonitor();
        MemoryRaftLogStorage a = Disk(E(1, 1), E(2, 2));
        MemoryRaftLogStorage b = Disk(E(1, 3), E(2, 2));
        monitor.EntriesPersisted(1, a.AllEntries(), a);

        Violation(() => monitor.EntriesPersisted(2, b.AllEntries(), b), "log matching");
    }

    [Fact]
    public void Same_index_and_term_with_different_data_breaks_log_matching()
    {
        var monitor = new SafetyMonitor();
        MemoryRaftLogStorage a = Disk(E(1, 1, "x"));
        MemoryRaftLogStorage b = Disk(E(1, 1, "y"));
        monitor.EntriesPersisted(1, a.AllEntries(), a);
        monitor.EntriesPersisted(3, a.AllEntries(), Disk(E(1, 1, "x")));

        Violation(() => monitor.EntriesPersisted(2, b.AllEntries(), b), "log matching");
    }

    [Fact]
    public void Committing_different_entries_at_one_index_breaks_state_machine_safety()
    {
        var monitor = new SafetyMonitor();
        monitor.HardStatePersisted(1, HardState.Empty, new HardState(1, 1, 1), Disk(E(1, 1)));

        Violation(() => monitor.HardStatePersisted(2, HardState.Empty, new HardState(2, 2, 1), Disk(E(1, 2))), "state machine safety");
        Assert.Equal(1, monitor.CommittedIndex);
    }

    [Fact]
    public void Applying_different_entries_at_one_index_breaks_state_machine_safety()
    {
        var monitor = new SafetyMonitor();
        monitor.Applied(1, E(1, 1, "a"));
        monitor.Applied(2, E(1, 1, "a"));

        Violation(() => monitor.Applied(3, E(1, 1, "b")), "state machine safety");
        Violation(() => monitor.Applied(3, E(3, 1, "b")), "state machine safety");
    }

    [Fact]
    public void A_leader_without_an_entry_committed_in_an_earlier_term_breaks_leader_completeness()
    {
        var monitor = new SafetyMonitor();
        monitor.HardStatePersisted(1, HardState.Empty, new HardState(2, 1, 2), Disk(E(1, 1), E(2, 2)));

        var thrown = Violation(() => monitor.RoleObserved(3, 3, StateRole.Leader, Disk(E(1, 1), E(2, 1))), "leader completeness");
        Assert.Equal("leader completeness violated: replica 3 became leader of term 3 without entry (2, term 2) committed in term 2", thrown.Message);
    }

    [Fact]
    public void A_late_leader_of_an_older_term_need_not_hold_entries_committed_later()
    {
        // A vote granted in term 2 may reach its candidate after term 3 committed entries: the
        // candidate then leads term 2 without them, which Raft allows (it will step down).
        var monitor = new SafetyMonitor();
        monitor.HardStatePersisted(1, HardState.Empty, new HardState(3, 1, 2), Disk(E(1, 1), E(2, 3)));

        monitor.RoleObserved(2, 2, StateRole.Leader, Disk(E(1, 1)));
        Assert.Equal(2, monitor.CommittedIndex);
    }

    [Fact]
    public void Changing_the_persisted_vote_within_a_term_breaks_vote_safety()
    {
        var monitor = new SafetyMonitor();
        monitor.HardStatePersisted(1, new HardState(2, RaftNode.None, 0), new HardState(2, 3, 0), Disk());

        Violation(() => monitor.HardStatePersisted(1, new HardState(2, 3, 0), new HardState(2, 2, 0), Disk()), "vote safety");
        Violation(() => monitor.HardStatePersisted(1, new HardState(2, 3, 0), new HardState(1, 3, 0), Disk()), "vote safety");
        Violation(() => monitor.HardStatePersisted(1, new HardState(2, 3, 1), new HardState(2, 3, 0), Disk(E(1, 1))), "commit monotonicity");
    }
}
