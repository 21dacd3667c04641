namespace RaftOrleans.KeyValue;

/// <summary>
/// Leases, as etcd has them: a lease has an id and a time to live; keys put with it are deleted when it ends. When
/// it ends is not decided here: the leader's <see cref="LeaseClock"/> decides, and commits a
/// <see cref="KvOp.LeaseRevoke"/> through the log, so every replica deletes the same keys at the same revision and no
/// replica's own clock ever matters.
/// </summary>
public sealed partial class KeyValueStateMachine
{
    /// <summary>The longest time to live a lease may have, in seconds (etcd's limit).</summary>
    public const long MaxLeaseTtl = 9_000_000_000;

    private readonly Dictionary<long, LeaseState> _leases = [];
    private HashSet<long> _changedLeases = [];
    private long _lastLeaseId;

    /// <summary>Leases held.</summary>
    public int LeaseCount => _leases.Count;

    /// <summary>Changes whenever a lease is granted or revoked, so a driver follows the set without listing it every time.</summary>
    public long LeaseVersion { get; private set; }

    /// <summary>Every lease with its granted time to live (seconds), by id.</summary>
    public IEnumerable<(long Id, long Ttl)> Leases() => _leases.OrderBy(pair => pair.Key).Select(pair => (pair.Key, pair.Value.Ttl)).ToList();

    /// <summary>True when lease <paramref name="id"/> exists.</summary>
    public bool HasLease(long id) => _leases.ContainsKey(id);

    /// <summary>A lease's granted time to live and its keys (in key order), or null when it does not exist.</summary>
    public (long Ttl, IReadOnlyList<string> Keys)? Lease(long id)
        => _leases.TryGetValue(id, out LeaseState? lease) ? (lease.Ttl, lease.Keys.Order(KeyOrder.Instance).ToList()) : null;

    private KvResult GrantLease(long requested, long ttl)
    {
        long id = requested;
        if (id == 0)
        {
            do id = ++_lastLeaseId; while (_leases.ContainsKey(id));
        }
        else if (_leases.ContainsKey(id))
        {
            return KvResult.BadInput($"lease {id} already exists");
        }
        _leases.Add(id, new LeaseState(ttl));
        _changedLeases.Add(id);
        LeaseVersion++;
        return new KvResult(KvStatus.Ok, null, Revision) { Lease = id, Ttl = ttl };
    }

    private KvResult RevokeLease(long id, long next)
    {
        if (!_leases.Remove(id, out LeaseState? lease)) return new KvResult(KvStatus.NotFound, null, 0, $"lease {id} not found");
        _changedLeases.Add(id);
        LeaseVersion++;
        // Deleted in key order, so every replica writes the same history.
        var keys = lease.Keys.Order(KeyOrder.Instance).ToList();
        foreach (string key in keys) Remove(key, next);
        if (keys.Count > 0) Revision = next;
        return new KvResult(KvStatus.Ok, null, Revision) { Count = keys.Count, Lease = id };
    }

    private string? UnknownLease(long lease) => lease != 0 && !_leases.ContainsKey(lease) ? $"lease {lease} not found" : null;

    // Keeps each lease's key set equal to the keys whose record names it.
    private void Attach(string key, long oldLease, long newLease)
    {
        if (oldLease == newLease) return;
        if (oldLease != 0 && _leases.TryGetValue(oldLease, out LeaseState? old)) old.Keys.Remove(key);
        if (newLease != 0) _leases[newLease].Keys.Add(key);
    }

    /// <summary>A lease: its granted time to live and the keys attached to it (derived from the keys' records).</summary>
    private sealed class LeaseState(long ttl)
    {
        public long Ttl { get; } = ttl;
        public HashSet<string> Keys { get; } = new(StringComparer.Ordinal);
    }
}
