namespace RaftOrleans.Grains;

/// <summary>
/// A Raft key-value group, for application code: an ordered keyspace with etcd's revisions, ranges and
/// transactions. Every call goes through the group's gateway grain, which finds the leader and retries until its
/// deadline, so a call either answers or reports <see cref="KvStatusCode.Unavailable"/> (after which a write may or
/// may not have applied). Cancelling a call stops the wait; a write already sent may still apply.
/// Register it with <c>AddRaftKeyValueStore()</c> on an Orleans client or silo.
/// </summary>
public interface IRaftKeyValueStore
{
    /// <summary>The group name.</summary>
    string Group { get; }

    /// <summary>Sets a key.</summary>
    Task<KvResponse> PutAsync(string key, string value);

    /// <summary>Reads a key; linearizable unless <paramref name="stale"/>.</summary>
    Task<KvResponse> GetAsync(string key, bool stale = false);

    /// <summary>Deletes a key.</summary>
    Task<KvResponse> DeleteAsync(string key);

    /// <summary>Sets a key if a condition holds.</summary>
    Task<KvResponse> CompareAndSwapAsync(string key, CasCondition condition, string newValue);

    /// <summary>Reads one page of a range (see <see cref="RangeRequest"/>): up to its limit, in key order.</summary>
    Task<KvResponse> RangeAsync(RangeRequest request, CancellationToken cancellationToken = default);

    /// <summary>Every key of a prefix or interval, fetched <paramref name="pageSize"/> at a time, all pages at the
    /// revision of the first. Throws <see cref="RaftKeyValueException"/> if a page fails (for example Compacted, when
    /// the scan outlives the retained history).</summary>
    IAsyncEnumerable<KeyValueItem> ScanAsync(RangeRequest request, int pageSize = 1000, CancellationToken cancellationToken = default);

    /// <summary>Deletes every key of a prefix or interval (one key: as <see cref="DeleteAsync"/>); answers the count.</summary>
    Task<KvResponse> DeleteRangeAsync(RangeRequest request, CancellationToken cancellationToken = default);

    /// <summary>Runs a transaction (see <see cref="TxnRequest"/>).</summary>
    Task<KvResponse> TxnAsync(TxnRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Every change to the keys of <paramref name="request"/> (one key, a prefix or an interval) from
    /// <paramref name="fromRevision"/> on (0 = changes after the first poll), in revision order, with no gap and no
    /// repeat, until cancelled. It follows leader changes and waits out elections on its own; it throws
    /// <see cref="RaftKeyValueException"/> for a bad range or when the leader no longer holds changes that old
    /// (<see cref="KvStatusCode.Compacted"/>: read the keys again, then watch from the read's revision + 1).
    /// </summary>
    IAsyncEnumerable<WatchEvent> WatchAsync(RangeRequest request, long fromRevision = 0, CancellationToken cancellationToken = default);

    /// <summary>Sets a key attached to <paramref name="lease"/> (0 = none): it is deleted when the lease ends.</summary>
    Task<KvResponse> PutAsync(string key, string value, long lease, CancellationToken cancellationToken = default);

    /// <summary>Grants a lease of <paramref name="ttlSeconds"/> (at least 1) with id <paramref name="id"/> (0 = the next
    /// free one); the answer's <see cref="KvResponse.Lease"/> is its id.</summary>
    Task<KvResponse> GrantLeaseAsync(long ttlSeconds, long id = 0, CancellationToken cancellationToken = default);

    /// <summary>Ends a lease now and deletes its keys (NotFound for an unknown lease).</summary>
    Task<KvResponse> RevokeLeaseAsync(long id, CancellationToken cancellationToken = default);

    /// <summary>Restarts a lease's countdown once (NotFound once it has ended).</summary>
    Task<KvResponse> KeepLeaseAliveOnceAsync(long id, CancellationToken cancellationToken = default);

    /// <summary>A lease's remaining (<see cref="KvResponse.Ttl"/>) and granted (<see cref="KvResponse.GrantedTtl"/>) time to
    /// live in seconds, and with <paramref name="keys"/> its keys as <see cref="KvResponse.Items"/>.</summary>
    Task<KvResponse> LeaseTimeToLiveAsync(long id, bool keys = false, CancellationToken cancellationToken = default);

    /// <summary>
    /// Keeps a lease alive until cancelled: a keep-alive every third of its TTL, retried soon after a failure (an
    /// election). Throws <see cref="RaftKeyValueException"/> when the lease has ended (it expired or was revoked), so
    /// whoever holds something under it learns it lost it.
    /// </summary>
    Task KeepLeaseAliveAsync(long id, CancellationToken cancellationToken);

    /// <summary>Adds <paramref name="delta"/> to the integer a key holds (absent = 0); answers the new value.</summary>
    Task<KvResponse> IncrementAsync(string key, long delta = 1, CancellationToken cancellationToken = default);
}
