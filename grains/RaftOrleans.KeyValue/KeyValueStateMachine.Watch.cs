namespace RaftOrleans.KeyValue;

/// <summary>Watch: the changes of a range from a revision on, in revision order, from the retained history.</summary>
public sealed partial class KeyValueStateMachine
{
    /// <summary>
    /// The changes to keys of <paramref name="range"/> made at <paramref name="fromRevision"/> or later (0 = only
    /// changes after now), oldest first, at most about <paramref name="maxEvents"/>: the answer ends at a revision
    /// boundary, so a transaction's changes always come together (the last revision may take it past the limit).
    /// <see cref="KvResult.Revision"/> is the revision the answer is complete through: ask again from one past it
    /// for the next changes, with no gap and no repeat. <see cref="KvStatus.Compacted"/> when changes since
    /// <paramref name="fromRevision"/> are no longer held (its <see cref="KvResult.Revision"/> is the oldest start
    /// that is); <see cref="KvStatus.BadInput"/> for an invalid range.
    /// </summary>
    public KvResult Watch(KvRange range, long fromRevision, int maxEvents = 1000)
    {
        ArgumentNullException.ThrowIfNull(range);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEvents, 1);
        if (KvLimits.Ceiling.ValidateRange(range) is { } invalid) return KvResult.BadInput(invalid);
        if (range.Revision != 0 || range.Limit != 0 || range.KeysOnly || range.CountOnly)
            return KvResult.BadInput("a watch takes its start revision separately, and no limit, keys-only or count-only");
        if (fromRevision < 0) return KvResult.BadInput($"a watch cannot start at revision {fromRevision}");
        long from = fromRevision == 0 ? Revision + 1 : fromRevision;
        if (from - 1 < _history.Floor)
            return new KvResult(KvStatus.Compacted, null, _history.Floor + 1, $"revision {from} is compacted: the oldest revision a watch can start at here is {_history.Floor + 1}");

        var events = new List<KvEvent>();
        long through = Revision;
        foreach (KeyEvent change in _history.After(from - 1))
        {
            if (events.Count >= maxEvents && change.Revision != events[^1].Revision)
            {
                through = events[^1].Revision;
                break;
            }
            if (!range.Contains(change.Key)) continue;
            events.Add(ToEvent(change));
        }
        return new KvResult(KvStatus.Ok, null, Math.Max(through, from - 1)) { Events = events, Count = events.Count };
    }

    private static KvEvent ToEvent(KeyEvent change)
    {
        KvEntry? previous = change.Previous is { } p ? p.ToEntry(change.Key) : null;
        KvEntry current = change.Current is { } c
            ? c.ToEntry(change.Key)
            : new KvEntry(change.Key, null, 0, change.Revision, 0);
        return new KvEvent(change.Revision, change.Current is null, current, previous);
    }
}
