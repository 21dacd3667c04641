namespace RaftOrleans.Consensus;

/// <summary>
/// How far to compact the log once a snapshot is durable (hashicorp/raft's TrailingLogs idea): keep
/// <c>trailingEntries</c> entries behind the snapshot so a briefly lagging follower still gets plain appends,
/// and never drop an entry the durable snapshot does not cover or the state machine has not applied.
/// Pure, so the Orleans driver and the simulation run the very same rule.
/// </summary>
public static class CompactionPolicy
{
    /// <summary>
    /// The index to compact to (drop the entries at or below it, keeping its term as the log's dummy entry),
    /// or null when nothing should be dropped now.
    /// </summary>
    /// <param name="durableSnapshotIndex">Last index covered by a snapshot that is durable on this replica (0 = none).</param>
    /// <param name="appliedIndex">Highest index the state machine applied.</param>
    /// <param name="lastIndex">Last index in the log.</param>
    /// <param name="trailingEntries">Entries to keep behind the compaction point (0 = compact up to the snapshot).</param>
    /// <param name="firstIndex">The log's current first index (compaction point + 1).</param>
    /// <returns>An index in <c>[firstIndex, min(durableSnapshotIndex, appliedIndex, lastIndex)]</c>, or null.</returns>
    public static long? CompactTo(long durableSnapshotIndex, long appliedIndex, long lastIndex, int trailingEntries, long firstIndex)
        => CompactTo(durableSnapshotIndex, appliedIndex, lastIndex, trailingEntries, firstIndex, NoFaults);

    /// <summary><see cref="CompactTo(long, long, long, int, long)"/> with a deliberate-bug switch board (tests).</summary>
    internal static long? CompactTo(long durableSnapshotIndex, long appliedIndex, long lastIndex, int trailingEntries, long firstIndex, RaftFaults faults)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(trailingEntries);
        // An entry is dispensable only once the durable snapshot covers it (a restart starts from that
        // snapshot) and the state machine has applied it (else it would never be applied).
        var bound = Math.Min(Math.Min(durableSnapshotIndex, appliedIndex), lastIndex);
        if (faults.CompactPastApplied) bound = lastIndex;
        var target = Math.Min(bound, lastIndex - trailingEntries);
        return target >= firstIndex ? target : null;
    }

    private static readonly RaftFaults NoFaults = new();
}
