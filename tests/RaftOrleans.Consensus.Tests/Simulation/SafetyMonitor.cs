namespace RaftOrleans.Consensus.Tests.Simulation;

/// <summary>
/// Checks the Raft safety properties (paper Figure 3) as the run goes, incrementally, so every step
/// is checked without rescanning every log:
/// <list type="bullet">
/// <item>Election safety: at most one leader per term, ever.</item>
/// <item>Vote safety (the mechanism behind it): a replica's persisted vote never changes within a term,
/// and its persisted term and commit index never go backwards.</item>
/// <item>Log matching: every persisted entry is remembered by (index, term) with its data and the term
/// of the entry before it; a second entry with the same index and term must agree on both, which by
/// induction means identical prefixes.</item>
/// <item>Leader completeness: an entry committed in term T is in the log of every leader of a term
/// after T. The commit term recorded is the smallest term in which any replica persisted a commit
/// index covering the entry, never earlier than the real one, so the check cannot raise a false alarm.</item>
/// <item>State machine safety: replicas never commit, nor apply, different entries at one index; an
/// installed snapshot covers a committed prefix (its last entry is the committed one at its index) and
/// never rolls a state machine back.</item>
/// </list>
/// Compacted logs: checks that read a replica's log look only at what it still holds; what it compacted
/// was applied (and checked) before, and an installed snapshot is checked on its own.
/// </summary>
internal sealed class SafetyMonitor
{
    private readonly Dictionary<long, int> _leaderOfTerm = [];
    private readonly Dictionary<(long Index, long Term), (long PreviousTerm, Entry Entry)> _persisted = [];
    private readonly List<(Entry Entry, long CommitTerm)> _committed = [];
    private readonly List<Entry> _applied = [];
    private readonly Dictionary<int, long> _leaderTermSeen = [];

    /// <summary>Highest index any replica committed.</summary>
    public long CommittedIndex => _committed.Count;

    /// <summary>Leaders elected so far (one per term).</summary>
    public int Elections => _leaderOfTerm.Count;

    /// <summary>Checks entries just appended to <paramref name="disk"/> by <paramref name="replica"/>.</summary>
    public void EntriesPersisted(int replica, IReadOnlyList<Entry> entries, MemoryRaftLogStorage disk)
    {
        foreach (Entry entry in entries)
        {
            long previousTerm = disk.Term(entry.Index - 1);
            if (_persisted.TryGetValue((entry.Index, entry.Term), out var known))
            {
                if (known.PreviousTerm != previousTerm)
                    throw new SafetyViolationException("log matching",
                        $"replica {replica} persisted entry ({entry.Index}, term {entry.Term}) after an entry of term {previousTerm}, "
                        + $"but elsewhere the same entry follows an entry of term {known.PreviousTerm}");
                if (!SameEntry(known.Entry, entry))
                    throw new SafetyViolationException("log matching",
                        $"replica {replica} persisted entry ({entry.Index}, term {entry.Term}) with different contents than another replica");
            }
            else
            {
                _persisted.Add((entry.Index, entry.Term), (previousTerm, entry));
            }
        }
    }

    /// <summary>Checks a hard state about to replace <paramref name="before"/> on <paramref name="replica"/>'s
    /// disk (whose entries are already appended), and records newly committed entries.</summary>
    public void HardStatePersisted(int replica, HardState before, HardState after, MemoryRaftLogStorage disk)
    {
        if (after.Term < before.Term)
            throw new SafetyViolationException("vote safety", $"replica {replica} persisted term {after.Term} after term {before.Term}");
        if (after.Term == before.Term && before.Vote != RaftNode.None && after.Vote != before.Vote)
            throw new SafetyViolationException("vote safety",
                $"replica {replica} changed its persisted vote in term {after.Term} from {before.Vote} to {after.Vote}");
        if (after.Commit < before.Commit)
            throw new SafetyViolationException("commit monotonicity", $"replica {replica} persisted commit {after.Commit} after {before.Commit}");

        // Entries below the first index were installed as a snapshot (checked by SnapshotInstalled).
        for (long index = Math.Max(before.Commit + 1, disk.FirstIndex()); index <= after.Commit; index++)
        {
            Entry entry = disk.Entries(index, index + 1, long.MaxValue)[0];
            if (index <= _committed.Count)
            {
                (Entry known, long commitTerm) = _committed[(int)index - 1];
                if (!SameEntry(known, entry))
                    throw new SafetyViolationException("state machine safety",
                        $"replica {replica} committed ({index}, term {entry.Term}) but ({index}, term {known.Term}) was committed before");
                if (after.Term < commitTerm) _committed[(int)index - 1] = (known, after.Term);
            }
            else
            {
                _committed.Add((entry, after.Term));
            }
        }
    }

    /// <summary>Checks an entry <paramref name="replica"/> just applied to its state machine.</summary>
    public void Applied(int replica, Entry entry)
    {
        if (entry.Index <= _applied.Count)
        {
            Entry known = _applied[(int)entry.Index - 1];
            if (!SameEntry(known, entry))
                throw new SafetyViolationException("state machine safety",
                    $"replica {replica} applied ({entry.Index}, term {entry.Term}) but another replica applied ({known.Index}, term {known.Term})");
        }
        else if (entry.Index == _applied.Count + 1)
        {
            _applied.Add(entry);
        }
        else
        {
            throw new SafetyViolationException("state machine safety",
                $"replica {replica} applied index {entry.Index} although no replica applied {_applied.Count + 1} yet");
        }
    }

    /// <summary>Called after every step of <paramref name="replica"/>: election safety, and leader
    /// completeness the first time it is seen leading <paramref name="term"/>.</summary>
    public void RoleObserved(int replica, long term, StateRole role, MemoryRaftLogStorage disk)
    {
        if (role != StateRole.Leader) return;
        if (_leaderOfTerm.TryGetValue(term, out int leader))
        {
            if (leader != replica)
                throw new SafetyViolationException("election safety", $"replicas {leader} and {replica} were both leader in term {term}");
        }
        else
        {
            _leaderOfTerm.Add(term, replica);
        }
        if (_leaderTermSeen.TryGetValue(replica, out long seen) && seen == term) return;
        _leaderTermSeen[replica] = term;

        long last = disk.LastIndex();
        for (int i = 0; i < _committed.Count; i++)
        {
            (Entry committed, long commitTerm) = _committed[i];
            if (commitTerm >= term) continue;
            if (committed.Index < disk.FirstIndex() - 1) continue; // compacted into its snapshot
            if (committed.Index > last || disk.Term(committed.Index) != committed.Term)
                throw new SafetyViolationException("leader completeness",
                    $"replica {replica} became leader of term {term} without entry ({committed.Index}, term {committed.Term}) committed in term {commitTerm}");
        }
    }

    /// <summary>Checks a snapshot <paramref name="replica"/> is about to install over a state machine that had
    /// applied up to <paramref name="appliedBefore"/>.</summary>
    public void SnapshotInstalled(int replica, SnapshotMetadata snapshot, long appliedBefore)
    {
        if (snapshot.Index < appliedBefore)
            throw new SafetyViolationException("state machine safety",
                $"replica {replica} installed a snapshot at {snapshot.Index} over a state machine that had applied {appliedBefore} (rolled back)");
        if (snapshot.Index > _applied.Count)
            throw new SafetyViolationException("state machine safety",
                $"replica {replica} installed a snapshot at {snapshot.Index} although no replica applied beyond {_applied.Count}");
        Entry known = _applied[(int)snapshot.Index - 1];
        if (known.Term != snapshot.Term)
            throw new SafetyViolationException("state machine safety",
                $"replica {replica} installed a snapshot at ({snapshot.Index}, term {snapshot.Term}) but ({known.Index}, term {known.Term}) was applied there");
    }

    /// <summary>Log matching across an installed snapshot: the entries <paramref name="replica"/> kept after
    /// the snapshot must follow it, i.e. the first of them was persisted elsewhere after an entry of the
    /// snapshot's term (paper §7: a suffix is kept only if the log held the snapshot's last entry).</summary>
    public void LogRestored(int replica, MemoryRaftLogStorage disk)
    {
        long first = disk.FirstIndex();
        if (first > disk.LastIndex()) return;
        Entry kept = disk.Entries(first, first + 1, long.MaxValue)[0];
        long previousTerm = disk.Term(first - 1);
        if (_persisted.TryGetValue((kept.Index, kept.Term), out var known) && known.PreviousTerm != previousTerm)
            throw new SafetyViolationException("log matching",
                $"replica {replica} kept entry ({kept.Index}, term {kept.Term}) after a snapshot of term {previousTerm}, "
                + $"but the entry was written after an entry of term {known.PreviousTerm}");
    }

    private static bool SameEntry(Entry a, Entry b) =>
        ReferenceEquals(a, b) || (a.Index == b.Index && a.Term == b.Term && a.Type == b.Type && a.Data.AsSpan().SequenceEqual(b.Data));
}
