namespace RaftOrleans.Grains.Gateway;

/// <summary>
/// The client session a gateway activation writes under (Raft thesis §6.3): a random client id and
/// increasing sequence numbers. A retried command keeps its sequence, so the state machine applies it
/// once. <see cref="AckedBelow"/> tells the state machine which cached results it may forget: every
/// sequence below it has been answered.
/// </summary>
internal sealed class GatewaySession
{
    private readonly SortedSet<long> _outstanding = [];
    private long _next = 1;

    public GatewaySession(long clientId) => ClientId = clientId;

    /// <summary>This session's client id (never 0, which means "no session").</summary>
    public long ClientId { get; }

    /// <summary>The lowest sequence not yet answered.</summary>
    public long AckedBelow => _outstanding.Count > 0 ? _outstanding.Min : _next;

    /// <summary>Reserves the next sequence number.</summary>
    public long Begin()
    {
        var seq = _next++;
        _outstanding.Add(seq);
        return seq;
    }

    /// <summary>Marks <paramref name="sequence"/> answered.</summary>
    public void End(long sequence) => _outstanding.Remove(sequence);

    /// <summary>Creates a session with a random non-zero client id.</summary>
    public static GatewaySession CreateRandom()
    {
        long id;
        do { id = Random.Shared.NextInt64(); } while (id == 0);
        return new GatewaySession(id);
    }
}
