namespace RaftOrleans.Consensus;

/// <summary>
/// The node's view of its log: the persisted prefix read through <see cref="IRaftLogStorage"/>, followed by
/// "unstable" entries the node has appended but the driver has not yet confirmed durable (handed out in a
/// <see cref="Ready"/>, confirmed by <see cref="RaftNode.Advance"/>). Also tracks the commit index and
/// what has been handed out for applying. Indexes at or above <see cref="unstableOffset"/> are answered
/// from the unstable part only, so a stale persisted suffix that a conflicting append replaced is never read.
/// </summary>
internal sealed class RaftLog
{
    private readonly IRaftLogStorage storage;
    private readonly List<Entry> unstable = [];
    private long unstableOffset;

    /// <summary>A snapshot received from the leader and restored into this log, not yet durable: until
    /// <see cref="SnapshotPersisted"/>, it (not the storage) answers for indexes up to its own.</summary>
    private SnapshotImage? pendingSnapshot;
    private bool pendingSnapshotHandedOut;

    public RaftLog(IRaftLogStorage storage, long committed, long applied)
    {
        this.storage = storage;
        unstableOffset = storage.LastIndex() + 1;
        if (applied < storage.FirstIndex() - 1)
            throw new ArgumentOutOfRangeException(nameof(applied),
                $"Applied index {applied} is below the compaction point {storage.FirstIndex() - 1}: the entries in between are gone.");
        if (committed > LastIndex)
            throw new ArgumentException($"Persisted commit index {committed} is beyond the last log index {LastIndex}.");
        if (applied > committed)
            throw new ArgumentOutOfRangeException(nameof(applied), $"Applied index {applied} is beyond the commit index {committed}.");
        if (applied < 0) throw new ArgumentOutOfRangeException(nameof(applied), "Applied index must not be negative.");
        Committed = committed;
        Applied = applied;
        Applying = applied;
    }

    /// <summary>Highest index known committed.</summary>
    public long Committed { get; private set; }

    /// <summary>Highest index the driver confirmed applied.</summary>
    public long Applied { get; private set; }

    /// <summary>Highest index handed out for applying (at least <see cref="Applied"/>).</summary>
    public long Applying { get; private set; }

    /// <summary>First index held.</summary>
    public long FirstIndex => pendingSnapshot is { } p ? p.Metadata.Index + 1 : storage.FirstIndex();

    /// <summary>Last index, persisted or not.</summary>
    public long LastIndex => unstableOffset + unstable.Count - 1;

    /// <summary>Term of the last entry (0 for an empty log).</summary>
    public long LastTerm => Term(LastIndex);

    /// <summary>Last index of the durable prefix: every entry up to it is persisted and current.</summary>
    public long DurableLastIndex => unstableOffset - 1;

    /// <summary>True when entries wait to be persisted.</summary>
    public bool HasUnstable => unstable.Count > 0;

    /// <summary>Term at <paramref name="index"/>, or false if the index is not held.</summary>
    public bool TryTerm(long index, out long term)
    {
        if (index >= unstableOffset)
        {
            var i = index - unstableOffset;
            if (i < unstable.Count)
            {
                term = unstable[(int)i].Term;
                return true;
            }
            term = 0;
            return false;
        }
        if (pendingSnapshot is { } p && index <= p.Metadata.Index)
        {
            // Everything at or below a restored snapshot is gone, whatever the (stale) storage still holds.
            term = index == p.Metadata.Index ? p.Metadata.Term : 0;
            return index == p.Metadata.Index;
        }
        if (index >= storage.FirstIndex() - 1 && index >= 0 && index <= storage.LastIndex())
        {
            term = storage.Term(index);
            return true;
        }
        term = 0;
        return false;
    }

    /// <summary>Term at <paramref name="index"/>; the index must be held.</summary>
    public long Term(long index) => TryTerm(index, out var t)
        ? t
        : throw new InvalidOperationException($"Log index {index} is not available (first {FirstIndex}, last {LastIndex}).");

    /// <summary>True when the entry at <paramref name="index"/> exists and has <paramref name="term"/>.</summary>
    public bool MatchTerm(long index, long term) => TryTerm(index, out var t) && t == term;

    /// <summary>Election restriction (§5.4.1): a log ending at (<paramref name="lastIndex"/>,
    /// <paramref name="lastTerm"/>) is at least as up to date as ours.</summary>
    public bool IsUpToDate(long lastIndex, long lastTerm)
    {
        var myTerm = LastTerm;
        return lastTerm > myTerm || (lastTerm == myTerm && lastIndex >= LastIndex);
    }

    /// <summary>
    /// Largest index at or below <paramref name="index"/> whose term is at most <paramref name="term"/>.
    /// Every entry above it has a term greater than <paramref name="term"/>, so it cannot match an entry of
    /// that term in another log: the probe can jump straight there (fast backtracking).
    /// </summary>
    public long FindConflictByTerm(long index, long term)
    {
        for (; index > 0; index--)
        {
            if (!TryTerm(index, out var t)) return index; // compacted: cannot look further back
            if (t <= term) return index;
        }
        return 0;
    }

    /// <summary>
    /// Follower side of AppendEntries (paper §5.3 receiver rules 2–5) after the consistency check passed:
    /// appends the entries not already present, truncating the first conflicting suffix, and advances the
    /// commit index to min(leaderCommit, last new entry). Returns the index of the last new entry.
    /// </summary>
    public long AppendAfter(long prevIndex, long leaderCommit, IReadOnlyList<Entry> entries)
    {
        var lastNew = prevIndex + entries.Count;
        var conflict = FindConflict(entries);
        if (conflict != 0)
        {
            if (conflict <= Committed)
                throw new InvalidOperationException(
                    $"Safety violation: entry {conflict} conflicts with a committed entry (commit {Committed}).");
            Append(entries.Skip((int)(conflict - entries[0].Index)).ToArray());
        }
        CommitTo(Math.Min(leaderCommit, lastNew));
        return lastNew;
    }

    /// <summary>Index of the first entry whose term differs from ours (or that we lack), or 0 if all match.</summary>
    private long FindConflict(IReadOnlyList<Entry> entries)
    {
        foreach (var e in entries)
        {
            if (!MatchTerm(e.Index, e.Term)) return e.Index;
        }
        return 0;
    }

    /// <summary>Appends entries, replacing any suffix from the first new index on. Returns the new last index.</summary>
    public long Append(IReadOnlyList<Entry> entries)
    {
        if (entries.Count == 0) return LastIndex;
        var first = entries[0].Index;
        if (first > LastIndex + 1)
            throw new InvalidOperationException($"Append at {first} would leave a gap after {LastIndex}.");
        if (first <= Committed)
            throw new InvalidOperationException($"Append at {first} would overwrite committed entries (commit {Committed}).");
        if (first <= unstableOffset)
        {
            // Replaces (part of) the persisted log: the new suffix is entirely unstable.
            unstable.Clear();
            unstableOffset = first;
        }
        else
        {
            unstable.RemoveRange((int)(first - unstableOffset), unstable.Count - (int)(first - unstableOffset));
        }
        unstable.AddRange(entries);
        return LastIndex;
    }

    /// <summary>Advances the commit index (never backwards).</summary>
    public void CommitTo(long index)
    {
        if (index <= Committed) return;
        if (index > LastIndex)
            throw new InvalidOperationException($"Commit index {index} is beyond the last log index {LastIndex}.");
        Committed = index;
    }

    /// <summary>Entries in <c>[low, high)</c>, at most <paramref name="maxBytes"/> (but at least one).</summary>
    public IReadOnlyList<Entry> Slice(long low, long high, long maxBytes)
    {
        if (low >= high) return [];
        if (low < FirstIndex || high > LastIndex + 1)
            throw new InvalidOperationException($"Slice [{low},{high}) is outside the log [{FirstIndex},{LastIndex}].");
        var result = new List<Entry>();
        long bytes = 0;
        if (low < unstableOffset)
        {
            var stableHigh = Math.Min(high, unstableOffset);
            var stored = storage.Entries(low, stableHigh, maxBytes);
            foreach (var e in stored) bytes += e.Size;
            result.AddRange(stored);
            if (result.Count < stableHigh - low) return result; // stopped by the byte limit
        }
        for (var i = Math.Max(low, unstableOffset); i < high; i++)
        {
            var e = unstable[(int)(i - unstableOffset)];
            if (result.Count > 0 && bytes + e.Size > maxBytes) break;
            bytes += e.Size;
            result.Add(e);
        }
        return result;
    }

    /// <summary>A copy of the entries waiting to be persisted.</summary>
    public IReadOnlyList<Entry> UnstableEntries() => unstable.ToArray();

    /// <summary>The driver persisted entries up to (<paramref name="index"/>, <paramref name="term"/>).
    /// Ignored if that entry was replaced meanwhile (a newer append will be persisted in a later Ready).</summary>
    public void StableTo(long index, long term)
    {
        if (index < unstableOffset || index >= unstableOffset + unstable.Count) return;
        if (unstable[(int)(index - unstableOffset)].Term != term) return;
        var count = (int)(index - unstableOffset + 1);
        unstable.RemoveRange(0, count);
        unstableOffset = index + 1;
    }

    /// <summary>
    /// Restores the log from a snapshot received from the leader (paper §7): if the log holds the snapshot's
    /// last entry (same index and term), the entries after it are kept; otherwise the whole log is
    /// discarded. Entries up to the snapshot count as committed and applied once the driver installs it.
    /// </summary>
    public void Restore(SnapshotImage image, RaftFaults faults)
    {
        var m = image.Metadata;
        var keepSuffix = MatchTerm(m.Index, m.Term) || (faults.KeepConflictingSuffix && m.Index <= LastIndex);
        if (keepSuffix && m.Index >= unstableOffset)
        {
            unstable.RemoveRange(0, (int)Math.Min(unstable.Count, m.Index - unstableOffset + 1));
            unstableOffset = m.Index + 1;
        }
        else if (!keepSuffix)
        {
            unstable.Clear();
            unstableOffset = m.Index + 1;
        }
        pendingSnapshot = image;
        pendingSnapshotHandedOut = false;
        Committed = Math.Max(Committed, m.Index);
        // Entries up to the snapshot are never handed out: the snapshot replaces them in the state machine.
        // (Only InstallOlderSnapshot lets m.Index fall below Applying: the state machine then rolls back.)
        Applying = m.Index;
    }

    /// <summary>True when a restored snapshot waits to be handed to the driver.</summary>
    public bool HasPendingSnapshot => pendingSnapshot is not null && !pendingSnapshotHandedOut;

    /// <summary>Hands the restored snapshot to the driver (once), or null.</summary>
    public SnapshotImage? TakePendingSnapshot()
    {
        if (!HasPendingSnapshot) return null;
        pendingSnapshotHandedOut = true;
        return pendingSnapshot;
    }

    /// <summary>The driver installed <paramref name="image"/> durably: storage now answers for the log again,
    /// and the state machine stands at the snapshot's index.</summary>
    public void SnapshotPersisted(SnapshotImage image)
    {
        Applied = image.Metadata.Index;
        Applying = Math.Max(Applying, Applied);
        if (ReferenceEquals(image, pendingSnapshot)) pendingSnapshot = null;
    }

    /// <summary>True when committed entries wait to be handed out for applying.</summary>
    public bool HasNextCommitted => Committed > Applying;

    /// <summary>Committed entries after <see cref="Applying"/>, at most <paramref name="maxBytes"/> (at least one).</summary>
    public IReadOnlyList<Entry> NextCommitted(long maxBytes) =>
        HasNextCommitted ? Slice(Applying + 1, Committed + 1, maxBytes) : [];

    /// <summary>Entries up to <paramref name="index"/> were handed out for applying.</summary>
    public void ApplyingTo(long index) => Applying = Math.Max(Applying, index);

    /// <summary>The driver applied entries up to <paramref name="index"/>.</summary>
    public void AppliedTo(long index)
    {
        if (index > Committed) throw new InvalidOperationException($"Applied {index} beyond commit {Committed}.");
        Applied = Math.Max(Applied, index);
        Applying = Math.Max(Applying, Applied);
    }
}
