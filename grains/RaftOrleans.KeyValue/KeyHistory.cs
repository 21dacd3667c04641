namespace RaftOrleans.KeyValue;

/// <summary>One change of one key: the basis of reads at an older revision (and, later, of watch).</summary>
/// <param name="Revision">The store revision of the change.</param>
/// <param name="Key">The key.</param>
/// <param name="Current">The key after the change; null for a delete.</param>
/// <param name="Previous">The key before it; null when it was absent.</param>
internal readonly record struct KeyEvent(long Revision, string Key, KeyRecord? Current, KeyRecord? Previous);

/// <summary>
/// The recent changes of the keyspace, oldest first, bounded by a number of events: a read at revision R is
/// answered from the current keyspace by undoing the changes made after R, which needs every change after R.
/// <para>Not part of the replicated state: each replica keeps it from the point it started applying (its
/// snapshot), so how far back a replica can read differs between replicas; what it answers never does.
/// Whole revisions are dropped together, so the history never holds half a transaction.</para>
/// </summary>
internal sealed class KeyHistory
{
    private readonly List<KeyEvent> _events = [];
    private int _head;

    /// <summary>Keeps at most <paramref name="maxEvents"/> events (more only while one revision holds more).</summary>
    public KeyHistory(int maxEvents, long floor)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEvents, 0);
        MaxEvents = maxEvents;
        Floor = floor;
    }

    /// <summary>Most events kept.</summary>
    public int MaxEvents { get; }

    /// <summary>The oldest revision readable: every change after it is held.</summary>
    public long Floor { get; private set; }

    /// <summary>Events held.</summary>
    public int Count => _events.Count - _head;

    /// <summary>Records a change (revisions never go back), then drops the oldest whole revisions beyond the bound.</summary>
    public void Add(KeyEvent change)
    {
        _events.Add(change);
        while (Count > MaxEvents && _events[_head].Revision < change.Revision)
        {
            long dropped = _events[_head].Revision;
            while (_head < _events.Count && _events[_head].Revision == dropped) _head++;
            Floor = Math.Max(Floor, dropped);
        }
        if (_head > 1024 && _head > _events.Count / 2)
        {
            _events.RemoveRange(0, _head);
            _head = 0;
        }
    }

    /// <summary>Forgets every change (a new state was restored): only reads at <paramref name="floor"/> or later remain possible.</summary>
    public void Reset(long floor)
    {
        _events.Clear();
        _head = 0;
        Floor = floor;
    }

    /// <summary>The changes made after <paramref name="revision"/>, oldest first.</summary>
    public IEnumerable<KeyEvent> After(long revision)
    {
        int low = _head, high = _events.Count;
        while (low < high)
        {
            int middle = low + (high - low) / 2;
            if (_events[middle].Revision <= revision) low = middle + 1;
            else high = middle;
        }
        for (int i = low; i < _events.Count; i++) yield return _events[i];
    }
}
