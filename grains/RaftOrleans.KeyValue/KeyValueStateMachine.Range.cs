namespace RaftOrleans.KeyValue;

/// <summary>Range reads: keys in <see cref="KeyOrder"/>, now or at an older revision still in the history.</summary>
public sealed partial class KeyValueStateMachine
{
    /// <summary>
    /// Reads <paramref name="range"/>: <see cref="KvStatus.Ok"/> with the matching keys in key order (see
    /// <see cref="KvResult"/>), <see cref="KvStatus.Compacted"/> for a revision older than the history kept here,
    /// <see cref="KvStatus.BadInput"/> for an invalid range or a revision not reached yet.
    /// </summary>
    public KvResult Range(KvRange range)
    {
        ArgumentNullException.ThrowIfNull(range);
        if (KvLimits.Ceiling.ValidateRange(range) is { } invalid) return KvResult.BadInput(invalid);
        long at = range.Revision == 0 ? Revision : range.Revision;
        if (at > Revision) return KvResult.BadInput($"revision {at} is in the future: the store is at revision {Revision}");
        if (at < _history.Floor)
            return new KvResult(KvStatus.Compacted, null, _history.Floor, $"revision {at} is compacted: the oldest revision readable here is {_history.Floor}");
        IEnumerable<(string Key, KeyRecord Record)> matches = at == Revision ? Current(range) : AtRevision(range, at);
        return Answer(range, matches, at);
    }

    private static KvResult Answer(KvRange range, IEnumerable<(string Key, KeyRecord Record)> matches, long revision)
    {
        var entries = new List<KvEntry>();
        long count = 0;
        foreach ((string key, KeyRecord record) in matches)
        {
            count++;
            if (!range.CountOnly && (range.Limit == 0 || entries.Count < range.Limit)) entries.Add(record.ToEntry(key, range.KeysOnly));
        }
        return new KvResult(KvStatus.Ok, null, revision)
        {
            Entries = entries,
            Count = count,
            More = !range.CountOnly && range.Limit > 0 && count > range.Limit,
        };
    }

    /// <summary>The present keys of <paramref name="range"/>, in key order.</summary>
    private IEnumerable<string> CurrentKeys(KvRange range)
    {
        if (range.IsSingleKey)
        {
            if (_data.ContainsKey(range.Key)) yield return range.Key;
            yield break;
        }
        if (_order.Count == 0 || KeyOrder.Less(_order.Max!, range.Key)) yield break;
        foreach (string key in _order.GetViewBetween(range.Key, _order.Max!))
        {
            if (!range.Contains(key)) yield break; // past the prefix or the range end: keys come in order
            yield return key;
        }
    }

    private IEnumerable<(string Key, KeyRecord Record)> Current(KvRange range)
        => CurrentKeys(range).Select(key => (key, _data[key]));

    /// <summary>
    /// The keys of <paramref name="range"/> as they were at <paramref name="revision"/>: the current ones, with every
    /// key changed since put back as the first change after <paramref name="revision"/> found it. Cost: the changes
    /// since then plus the range.
    /// </summary>
    private IEnumerable<(string Key, KeyRecord Record)> AtRevision(KvRange range, long revision)
    {
        var then = new Dictionary<string, KeyRecord?>(StringComparer.Ordinal);
        foreach (KeyEvent change in _history.After(revision))
        {
            if (range.Contains(change.Key)) then.TryAdd(change.Key, change.Previous);
        }
        var restored = then.Where(pair => pair.Value is not null).Select(pair => (pair.Key, pair.Value!.Value))
            .OrderBy(pair => pair.Key, KeyOrder.Instance).ToList();
        int r = 0;
        foreach (string key in CurrentKeys(range))
        {
            while (r < restored.Count && KeyOrder.Less(restored[r].Key, key)) yield return restored[r++];
            if (then.ContainsKey(key))
            {
                if (r < restored.Count && restored[r].Key == key) yield return restored[r++];
                continue;
            }
            yield return (key, _data[key]);
        }
        while (r < restored.Count) yield return restored[r++];
    }
}
