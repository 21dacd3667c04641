namespace RaftOrleans.KeyValue;

/// <summary>
/// The leader's countdown of every lease: the one place that decides a lease has expired. It is driver state, never
/// replicated: an expiry takes effect only when the leader commits a <see cref="KvOp.LeaseRevoke"/>. Its rules are
/// etcd's, and err on the side of keeping a lease:
/// <list type="bullet">
/// <item>a new leader starts every lease's countdown from its full time to live (<see cref="Restart"/>), so a
/// failover never ends a lease early;</item>
/// <item>time counts only while the leader is healthy (<see cref="Advance"/>): a storage stall, or a paused or starved
/// process, does not count, so a leader that wakes up late does not revoke leases that nobody could keep alive;</item>
/// <item>a keep-alive restarts the countdown at the moment the leader confirmed it still leads.</item>
/// </list>
/// Time is passed in, so tests drive it exactly. Not thread-safe: one driver calls it.
/// </summary>
public sealed class LeaseClock
{
    private readonly Dictionary<long, Countdown> _leases = [];
    private TimeSpan _now;

    /// <summary>The longest step <see cref="Advance"/> counts: longer gaps are a stall, not time the leases lived through.</summary>
    public TimeSpan MaxStep { get; }

    /// <summary>How long an expiry, once proposed, waits before it is proposed again (the first may have been dropped).</summary>
    public TimeSpan RetryAfter { get; }

    /// <summary>Creates a clock with no leases.</summary>
    public LeaseClock(TimeSpan maxStep, TimeSpan retryAfter)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(maxStep, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(retryAfter, TimeSpan.Zero);
        MaxStep = maxStep;
        RetryAfter = retryAfter;
    }

    /// <summary>The clock's own time: the healthy time counted so far.</summary>
    public TimeSpan Now => _now;

    /// <summary>Leases counted down.</summary>
    public int Count => _leases.Count;

    /// <summary>Counts <paramref name="elapsed"/> (at most <see cref="MaxStep"/>) if the leader was healthy throughout.</summary>
    public void Advance(TimeSpan elapsed, bool healthy)
    {
        if (!healthy || elapsed <= TimeSpan.Zero) return;
        _now += elapsed < MaxStep ? elapsed : MaxStep;
    }

    /// <summary>This replica became leader: every lease of <paramref name="leases"/> starts from its full time to live.</summary>
    public void Restart(IEnumerable<(long Id, long Ttl)> leases)
    {
        _leases.Clear();
        Sync(leases);
    }

    /// <summary>
    /// Follows the state machine's leases: one not counted yet (just granted) starts from its full time to live, one
    /// gone (revoked) is dropped. The others keep their countdowns.
    /// </summary>
    public void Sync(IEnumerable<(long Id, long Ttl)> leases)
    {
        var present = new HashSet<long>();
        foreach ((long id, long ttl) in leases)
        {
            present.Add(id);
            if (!_leases.ContainsKey(id)) _leases[id] = new Countdown(ttl, _now + Seconds(ttl));
        }
        if (present.Count == _leases.Count) return;
        foreach (long gone in _leases.Keys.Where(id => !present.Contains(id)).ToList()) _leases.Remove(gone);
    }

    /// <summary>Restarts lease <paramref name="id"/>'s countdown; its granted time to live, or null if it is not counted.</summary>
    public long? KeepAlive(long id)
    {
        if (!_leases.TryGetValue(id, out Countdown? lease)) return null;
        lease.Deadline = _now + Seconds(lease.Ttl);
        lease.ProposedAt = null;
        return lease.Ttl;
    }

    /// <summary>Whole seconds left for lease <paramref name="id"/> (rounded up, at least 0), or null if it is not counted.</summary>
    public long? Remaining(long id)
        => _leases.TryGetValue(id, out Countdown? lease) ? Math.Max(0, (long)Math.Ceiling((lease.Deadline - _now).TotalSeconds)) : null;

    /// <summary>The leases whose time is up and whose expiry was not proposed within <see cref="RetryAfter"/>; each is
    /// marked proposed now.</summary>
    public IReadOnlyList<long> TakeExpired()
    {
        List<long>? expired = null;
        foreach ((long id, Countdown lease) in _leases)
        {
            if (lease.Deadline > _now) continue;
            if (lease.ProposedAt is { } at && _now - at < RetryAfter) continue;
            lease.ProposedAt = _now;
            (expired ??= []).Add(id);
        }
        return expired ?? (IReadOnlyList<long>)[];
    }

    private static TimeSpan Seconds(long ttl) => TimeSpan.FromSeconds(Math.Min(ttl, (long)TimeSpan.MaxValue.TotalSeconds / 2));

    private sealed class Countdown(long ttl, TimeSpan deadline)
    {
        public long Ttl { get; } = ttl;
        public TimeSpan Deadline { get; set; } = deadline;
        public TimeSpan? ProposedAt { get; set; }
    }
}
