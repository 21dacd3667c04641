namespace RaftOrleans.Consensus;

/// <summary>
/// An in-memory <see cref="IRaftLogStorage"/>: used by tests and the simulation as a replica's "disk", and by
/// the Orleans driver as its in-memory cache of the persisted log. The log starts at index 1 (no compaction).
/// Not thread-safe.
/// </summary>
public sealed class MemoryRaftLogStorage : IRaftLogStorage
{
    private readonly List<Entry> entries = [];

    /// <summary>An empty log and <see cref="HardState.Empty"/>.</summary>
    public MemoryRaftLogStorage()
        : this(HardState.Empty, [])
    {
    }

    /// <summary>A storage holding <paramref name="hardState"/> and <paramref name="initialEntries"/>, which must
    /// be contiguous from index 1.</summary>
    public MemoryRaftLogStorage(HardState hardState, IEnumerable<Entry> initialEntries)
    {
        ArgumentNullException.ThrowIfNull(initialEntries);
        var list = initialEntries.ToArray();
        if (list.Length > 0 && list[0].Index != 1)
            throw new ArgumentException($"Entries must start at index 1, not {list[0].Index}.", nameof(initialEntries));
        Append(list);
        SetHardState(hardState);
    }

    /// <summary>The stored hard state.</summary>
    public HardState HardState { get; private set; }

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
        if (first < 1 || first > LastIndex() + 1)
            throw new ArgumentException($"Append at {first} does not continue the log ending at {LastIndex()}.", nameof(newEntries));
        for (var i = 1; i < newEntries.Count; i++)
        {
            if (newEntries[i].Index != first + i)
                throw new ArgumentException("Appended entries must have contiguous indexes.", nameof(newEntries));
        }
        var keep = (int)(first - 1);
        entries.RemoveRange(keep, entries.Count - keep);
        entries.AddRange(newEntries);
    }

    /// <summary>A copy of every stored entry, for checkers.</summary>
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
            var e = entries[(int)(i - 1)];
            if (result.Count > 0 && bytes + e.Size > maxBytes) break;
            bytes += e.Size;
            result.Add(e);
        }
        return result;
    }

    /// <inheritdoc />
    public long Term(long index)
    {
        if (index == 0) return 0;
        if (index < 0 || index > LastIndex())
            throw new ArgumentOutOfRangeException(nameof(index), $"Index {index} is outside [0,{LastIndex()}].");
        return entries[(int)(index - 1)].Term;
    }

    /// <inheritdoc />
    public long FirstIndex() => 1;

    /// <inheritdoc />
    public long LastIndex() => entries.Count;
}
