namespace RaftOrleans.Consensus;

/// <summary>
/// A leader's ReadIndex requests awaiting leadership confirmation (thesis §6.4), in arrival order. Each
/// remembers the commit index at arrival and which voters acknowledged a heartbeat carrying its context.
/// A heartbeat round for a later request also confirms every earlier one (it was sent after they arrived).
/// </summary>
internal sealed class ReadIndexTracker
{
    private readonly List<Pending> queue = [];
    private readonly Dictionary<long, Pending> byContext = [];

    /// <summary>Context of the newest request, to piggyback on heartbeats (0 when none).</summary>
    public long LastPendingContext => queue.Count > 0 ? queue[^1].Context : 0;

    /// <summary>True when a request with <paramref name="context"/> is pending.</summary>
    public bool Contains(long context) => byContext.ContainsKey(context);

    /// <summary>Registers a request, acknowledged so far by the leader itself (<paramref name="self"/>; none when
    /// the leader does not vote).</summary>
    public void Add(long index, long context, int self)
    {
        var pending = new Pending(index, context, self == RaftNode.None ? [] : [self]);
        queue.Add(pending);
        byContext.Add(context, pending);
    }

    /// <summary>Records <paramref name="from"/>'s acknowledgement; returns the number of distinct voters that
    /// acknowledged the request, or 0 if it is unknown (already released or dropped).</summary>
    public int Acknowledge(int from, long context)
    {
        if (!byContext.TryGetValue(context, out var pending)) return 0;
        pending.Acks.Add(from);
        return pending.Acks.Count;
    }

    /// <summary>Removes and returns the request with <paramref name="context"/> and all earlier ones.</summary>
    public IReadOnlyList<ReadState> ReleaseThrough(long context)
    {
        var at = queue.FindIndex(p => p.Context == context);
        if (at < 0) return [];
        var released = queue.Take(at + 1).Select(p => new ReadState(p.Index, p.Context)).ToArray();
        foreach (var r in released) byContext.Remove(r.Context);
        queue.RemoveRange(0, at + 1);
        return released;
    }

    /// <summary>Removes every request; returns their contexts.</summary>
    public IReadOnlyList<long> DropAll()
    {
        var contexts = queue.Select(p => p.Context).ToArray();
        queue.Clear();
        byContext.Clear();
        return contexts;
    }

    private sealed record Pending(long Index, long Context, HashSet<int> Acks);
}
