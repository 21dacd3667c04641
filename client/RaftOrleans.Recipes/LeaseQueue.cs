using RaftOrleans.Grains;

namespace RaftOrleans.Recipes;

/// <summary>
/// The rule the lock and the election share (etcd's recipe): each contender holds a lease and puts one key under a
/// common prefix, attached to it; the contender whose key has the lowest create revision is first. A contender waits
/// for the key just before its own to go (released, or deleted with an expired lease), then looks again. The create
/// revision of its key is its fencing token: it grows with every new holder, so a resource can refuse a write that
/// carries an older one.
/// </summary>
internal sealed class LeaseQueue(IRaftKeyValueStore store, string prefix, TimeSpan leaseTtl)
{
    /// <summary>The prefix every contender's key is under.</summary>
    public string Prefix { get; } = prefix;

    /// <summary>
    /// Joins the queue with <paramref name="value"/> and waits to be first. Returns the entry, or null when
    /// <paramref name="waitUntilFirst"/> is cancelled first (the entry is then withdrawn). Throws
    /// <see cref="RaftKeyValueException"/> when the store refuses, and <see cref="OperationCanceledException"/> for
    /// <paramref name="cancellationToken"/>.
    /// </summary>
    public async Task<LeaseQueueEntry?> EnterAsync(string value, CancellationToken waitUntilFirst, CancellationToken cancellationToken)
    {
        var granted = Ok(await store.GrantLeaseAsync((long)Math.Ceiling(leaseTtl.TotalSeconds), cancellationToken: cancellationToken));
        var entry = new LeaseQueueEntry(store, $"{Prefix}{granted.Lease:x16}", granted.Lease);
        // Keep the lease alive from the start: a contender may wait longer than the lease's TTL, and an entry whose
        // lease ends while it waits loses its place (a 2 s lease behind a crashed 2 s holder lost it in CI).
        entry.StartKeepAlive();
        try
        {
            var put = Ok(await store.TxnAsync(new TxnRequest
            {
                Compares = [TxnCompare.Absent(entry.Key)],
                Success = [TxnOperation.Put(entry.Key, value, entry.Lease)],
            }, cancellationToken));
            entry.Token = put.Revision;
            using var waiting = CancellationTokenSource.CreateLinkedTokenSource(waitUntilFirst, cancellationToken, entry.LostToken);
            while (true)
            {
                // Looking is not waiting: even a zero timeout gets one look at the queue.
                var queue = Ok(await store.RangeAsync(RangeRequest.WithPrefix(Prefix) with { KeysOnly = true }, cancellationToken));
                var ahead = queue.Items!.Where(i => i.CreateRevision < entry.Token).MaxBy(i => i.CreateRevision);
                if (queue.Items!.All(i => i.Key != entry.Key)) throw Lost(entry, "its key is gone (the lease ended while it waited)");
                if (ahead is null) break;
                waiting.Token.ThrowIfCancellationRequested();
                await WaitForDeleteAsync(ahead.Key, queue.Revision + 1, waiting.Token);
            }
            // First by the keys; but a lease that ended a moment ago still shows its key until the revoke commits.
            // Confirm the lease at the leader before handing the lock out (etcd #11456).
            var alive = await store.KeepLeaseAliveOnceAsync(entry.Lease, cancellationToken);
            if (!alive.IsOk) throw Lost(entry, $"its lease is {alive.Status}: {alive.Message}");
            return entry;
        }
        catch (OperationCanceledException) when (entry.LostToken.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            await entry.DisposeAsync();
            throw Lost(entry, "its lease ended while it waited");
        }
        catch (OperationCanceledException) when (waitUntilFirst.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            await entry.DisposeAsync();
            return null;
        }
        catch
        {
            await entry.DisposeAsync();
            throw;
        }
    }

    /// <summary>The first entry's key and value (and revisions), or null when the queue is empty, at the answer's revision.</summary>
    public async Task<(KeyValueItem? First, long Revision)> FirstAsync(CancellationToken cancellationToken)
    {
        var queue = Ok(await store.RangeAsync(RangeRequest.WithPrefix(Prefix), cancellationToken));
        return (queue.Items!.MinBy(i => i.CreateRevision), queue.Revision);
    }

    private async Task WaitForDeleteAsync(string key, long fromRevision, CancellationToken cancellationToken)
    {
        await foreach (var change in store.WatchAsync(RangeRequest.Single(key), fromRevision, cancellationToken))
        {
            if (change.IsDelete) return;
        }
    }

    private static RaftKeyValueException Lost(LeaseQueueEntry entry, string why)
        => new(KvResponse.Unavailable($"the queue entry {entry.Key} was lost before it came first: {why}; try again"));

    internal static KvResponse Ok(KvResponse response) => response.IsOk ? response : throw new RaftKeyValueException(response);
}

/// <summary>A contender's place in a <see cref="LeaseQueue"/>: its key, lease and fencing token, kept alive until disposed.</summary>
internal sealed class LeaseQueueEntry(IRaftKeyValueStore store, string key, long lease) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource _lost = new();
    private Task? _keepAlive;
    private int _disposed;

    /// <summary>The entry's key.</summary>
    public string Key { get; } = key;

    /// <summary>The lease the key is attached to.</summary>
    public long Lease { get; } = lease;

    /// <summary>The create revision of the key: the fencing token.</summary>
    public long Token { get; set; }

    /// <summary>Cancelled when the lease is found to have ended (the entry is gone).</summary>
    public CancellationToken LostToken => _lost.Token;

    /// <summary>Keeps the lease alive in the background until disposed; a lease found ended cancels <see cref="LostToken"/>.</summary>
    public void StartKeepAlive() => _keepAlive = Task.Run(async () =>
    {
        try
        {
            await store.KeepLeaseAliveAsync(Lease, _stop.Token);
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch
        {
            await _lost.CancelAsync();
        }
    });

    /// <summary>Leaves the queue: stops the keep-alives and revokes the lease, which deletes the key.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        await _stop.CancelAsync();
        if (_keepAlive is not null) await _keepAlive;
        // Best effort: if the revoke cannot reach the cluster, the lease expires on its own within its TTL.
        try { await store.RevokeLeaseAsync(Lease); }
        catch (Exception) { }
        _stop.Dispose();
        _lost.Dispose();
    }
}
