namespace RaftOrleans.Consensus;

/// <summary>
/// An in-memory <see cref="IRaftLogStorage"/>: used by tests and the simulation as a replica's "disk", and by
/// the Orleans driver as its in-memory cache of the persisted log. Like etcd-io/raft's MemoryStorage it keeps
/// a dummy entry at the compaction point: <see cref="FirstIndex"/> is one past it and <see cref="Term"/>
/// answers for it. Not thread-safe.
/// </summary>
public sealed class MemoryRaftLogStorage : IRaftLogStorage
{
    private readonly List<Entry> entries = [];

    /// <summary>Index of the compaction point (the dummy entry): entries at or below it are gone.</summary>
    private long offset;
    private long offsetTerm;

    /// <summary>An empty log and <see cref="HardState.Empty"/>.</summary>
    public MemoryRaftLogStorage()
        : this(HardState.Empty, [])
    {
    }

    /// <summary>A storage holding <paramref name="hardState"/> and <paramref name="initialEntries"/>, which must
    /// be contiguous from index 1.</summary>
    public MemoryRaftLogStorage(HardState hardState, IEnumerable<Entry> initialEntries)
        : this(hardState, SnapshotMetadata.None, initialEntries)
    {
    }

    /// <summary>
    /// A storage loaded from disk: <paramref name="hardState"/>, the compaction point <paramref name="snapshot"/>
    /// (the last snapshot's metadata; <see cref="SnapshotMetadata.None"/> for none) and the entries after it,
    /// which must be contiguous from <c>snapshot.Index + 1</c>.
    /// </summary>
    public MemoryRaftLogStorage(HardState hardState, SnapshotMetadata snapshot, IEnumerable<Entry> initialEntries)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(initialEntries);
        var list = initialEntries.ToArray();
        if (list.Length > 0 && list[0].Index != snapshot.Index + 1)
            throw new ArgumentException($"Entries must start at index {snapshot.Index + 1}, not {list[0].Index}.", nameof(initialEntries));
        offset = snapshot.Index;
        offsetTerm = snapshot.Term;
        Snapshot = snapshot;
        Append(list);
        SetHardState(hardState);
    }

    /// <summary>The stored hard state.</summary>
    public HardState HardState { get; private set; }

    /// <summary>Metadata of the last snapshot applied with <see cref="ApplySnapshot"/> (or loaded); the compaction
    /// point itself may be later (<see cref="Compact"/>).</summary>
    public SnapshotMetadata Snapshot { get; private set; }

    /// <summary>Deliberate bugs (tests only).</summary>
    internal RaftFaults Faults { get; set; } = new();

    /// <summary>Replaces the stored hard state (the commit index must not pass the last index).</summary>
    public void SetHardState(HardState hs)
    {
        if (hs.Commit > LastIndex())
            throw new ArgumentException($"Commit {hs.Commit} is beyond the last index {LastIndex()}.", nameof(hs));
        HardState = hs;
    }

    /// <summary>
    /// Appends <paramref name="newEntries"/> (contiguous, increasing indexes). Everything from the first new
    /// index on is replaced first, as a Ready's entries may overwrite a conflicting suffix.
    /// </summary>
    public void Append(IReadOnlyList<Entry> newEntries)
    {
        ArgumentNullException.ThrowIfNull(newEntries);
        if (newEntries.Count == 0) return;
        var first = newEntries[0].Index;
        if (first <= offset || first > LastIndex() + 1)
            throw new ArgumentException($"Append at {first} does not continue the log [{FirstIndex()},{LastIndex()}].", nameof(newEntries));
        for (var i = 1; i < newEntries.Count; i++)
        {
            if (newEntries[i].Index != first + i)
                throw new ArgumentException("Appended entries must have contiguous indexes.", nameof(newEntries));
        }
        var keep = (int)(first - offset - 1);
        entries.RemoveRange(keep, entries.Count - keep);
        entries.AddRange(newEntries);
    }

    /// <summary>
    /// Drops every entry at or below <paramref name="index"/>, keeping its term as the dummy entry (etcd
    /// storage.go Compact). The caller must hold a durable snapshot covering <paramref name="index"/>
    /// (<see cref="CompactionPolicy"/>). Compacting to or below the current compaction point does nothing.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is beyond <see cref="LastIndex"/>.</exception>
    public void Compact(long index)
    {
        if (index > LastIndex())
            throw new ArgumentOutOfRangeException(nameof(index), $"Cannot compact to {index}: the log ends at {LastIndex()}.");
        if (index <= offset) return;
        var term = Term(index);
        entries.RemoveRange(0, (int)(index - offset));
        offset = index;
        offsetTerm = term;
    }

    /// <summary>
    /// Makes the log start after an installed snapshot (paper §7, thesis §5.1): if the log holds an entry at
    /// the snapshot's index with the snapshot's term, the entries after it are kept; otherwise the whole log
    /// is discarded. The first index becomes <c>Index + 1</c> and the commit index at least <c>Index</c>.
    /// The caller must have made the snapshot's image durable first.
    /// </summary>
    public void ApplySnapshot(SnapshotMetadata snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (snapshot.Index < offset)
            throw new ArgumentException($"Snapshot at {snapshot.Index} is older than the compaction point {offset}.", nameof(snapshot));
        var matches = snapshot.Index <= LastIndex() && Term(snapshot.Index) == snapshot.Term;
        if (matches || (Faults.KeepConflictingSuffix && snapshot.Index <= LastIndex()))
        {
            entries.RemoveRange(0, (int)(snapshot.Index - offset));
        }
        else
        {
            entries.Clear();
        }
        offset = snapshot.Index;
        offsetTerm = snapshot.Term;
        Snapshot = snapshot;
        if (HardState.Commit < snapshot.Index) HardState = HardState with { Commit = snapshot.Index };
    }

    /// <summary>A copy of every stored entry (after the compaction point), for checkers.</summary>
    public IReadOnlyList<Entry> AllEntries() => entries.ToArray();

    /// <inheritdoc />
    public HardState InitialState() => HardState;

    /// <inheritdoc />
    public IReadOnlyList<Entry> Entries(long low, long high, long maxBytes)
    {
        if (low < FirstIndex() || high > LastIndex() + 1 || low > high)
            throw new ArgumentOutOfRangeException(nameof(low), $"Range [{low},{high}) is outside [{FirstIndex()},{LastIndex() + 1}).");
        var result = new List<Entry>();
        long bytes = 0;
        for (var i = low; i < high; i++)
        {
            var e = entries[(int)(i - offset - 1)];
            if (result.Count > 0 && bytes + e.Size > maxBytes) break;
            bytes += e.Size;
            result.Add(e);
        }
        return result;
    }

    /// <inheritdoc />
    public long Term(long index)
    {
        if (index == offset) return offsetTerm;
        if (index < offset || index > LastIndex())
            throw new ArgumentOutOfRangeException(nameof(index), $"Index {index} is outside [{offset},{LastIndex()}].");
        return entries[(int)(index - offset - 1)].Term;
    }

    /// <inheritdoc />
    public long FirstIndex() => offset + 1;

    /// <inheritdoc />
    public long LastIndex() => offset + entries.Count;
}
