namespace RaftOrleans.KeyValue;

/// <summary>
/// What the state machine remembers about one client (Raft thesis §6.3): the results of its recent
/// commands, so a retry returns the first result instead of applying twice.
/// </summary>
internal sealed class ClientSession(long clientId)
{
    public long ClientId { get; } = clientId;

    /// <summary>The client has seen every result below this sequence; those were forgotten.</summary>
    public long AckedBelow { get; set; }

    /// <summary>Log index of the last command applied in this session; orders eviction.</summary>
    public long LastIndex { get; set; }

    /// <summary>Results by sequence, for sequences at or above <see cref="AckedBelow"/>. Sorted so
    /// snapshots are byte-identical on every replica.</summary>
    public SortedDictionary<long, KvResult> Results { get; } = [];

    /// <summary>Raises <see cref="AckedBelow"/> (never lowers it) and forgets results below it.</summary>
    public void Acknowledge(long ackedBelow)
    {
        if (ackedBelow <= AckedBelow) return;
        AckedBelow = ackedBelow;
        while (Results.Count > 0)
        {
            long lowest = Results.Keys.First();
            if (lowest >= ackedBelow) break;
            Results.Remove(lowest);
        }
    }
}
