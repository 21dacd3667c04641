namespace RaftOrleans.Consensus;

/// <summary>
/// The bounded window of unacknowledged Append messages to one follower (pipelining). Each slot holds the
/// last index of one message; an acknowledgement up to index i frees every slot at or below i.
/// </summary>
internal sealed class Inflights
{
    private readonly Queue<long> lastIndexes = new();

    private readonly int capacity;

    public Inflights(int capacity) => this.capacity = capacity;

    /// <summary>True when no more messages may be sent until some are acknowledged.</summary>
    public bool Full => lastIndexes.Count >= capacity;

    /// <summary>Records a message whose last entry is <paramref name="lastIndex"/>. Indexes must increase.</summary>
    public void Add(long lastIndex)
    {
        if (Full) throw new InvalidOperationException("Inflight window is full.");
        lastIndexes.Enqueue(lastIndex);
    }

    /// <summary>Frees every message whose last index is at or below <paramref name="index"/>.</summary>
    public void FreeUpTo(long index)
    {
        while (lastIndexes.Count > 0 && lastIndexes.Peek() <= index) lastIndexes.Dequeue();
    }

    /// <summary>Frees the oldest message. Used when a heartbeat answer proves the follower is alive while
    /// the window is full: the appends were probably lost, and freeing a slot lets replication resume.</summary>
    public void FreeFirst()
    {
        if (lastIndexes.Count > 0) lastIndexes.Dequeue();
    }

    /// <summary>Forgets all in-flight messages.</summary>
    public void Reset() => lastIndexes.Clear();
}
