using RaftOrleans.Grains.Wire;
using RaftOrleans.KeyValue;

namespace RaftOrleans.Grains.Gateway;

/// <summary>The ordered-keyspace requests: ranges, delete-range, transactions and increments.</summary>
internal sealed partial class KeyValueGrain
{
    /// <inheritdoc />
    public async Task<KvResponse> Range(RangeRequest request)
    {
        if (CheckGroup() is { } bad) return bad;
        if (_limits.ValidateRange(KvWire.ToRange(request)) is { } invalid) return KvResponse.BadInput(invalid);
        if (request.Serializable)
            return await RouteAsync(async replica => new ReplicaReply { Response = await replica.ReadRangeStale(request) }, "serializable range");
        return await RouteAsync(replica => replica.ReadRange(request), "range");
    }

    /// <inheritdoc />
    public Task<KvResponse> DeleteRange(RangeRequest request)
    {
        var range = KvWire.ToRange(request);
        // One key is an ordinary delete (NotFound when absent); a prefix or an interval answers a count.
        if (range is { IsSingleKey: true }) return Delete(range.Key);
        return WriteAsync(new KvCommand { Op = KvOp.DeleteRange, Key = "", Range = range });
    }

    /// <inheritdoc />
    public Task<KvResponse> Txn(TxnRequest request)
    {
        if (request is null) return Task.FromResult(KvResponse.BadInput("a transaction is required"));
        return WriteAsync(new KvCommand { Op = KvOp.Txn, Key = "", Txn = KvWire.ToTxn(request) });
    }

    /// <summary>How long a watch poll waits at the leader for a change before it answers none.</summary>
    internal static readonly TimeSpan WatchWait = TimeSpan.FromSeconds(3);

    /// <inheritdoc />
    public async Task<KvResponse> Watch(RangeRequest request, long fromRevision, int maxEvents = 1000)
    {
        if (CheckGroup() is { } bad) return bad;
        if (_limits.ValidateRange(KvWire.ToRange(request), forRead: false) is { } invalid) return KvResponse.BadInput(invalid);
        // The leader holds a poll up to WatchWait: an attempt is slow only past that.
        var wait = WatchWait < _options.RequestTimeout / 2 ? WatchWait : _options.RequestTimeout / 2;
        return await RouteAsync(replica => replica.Watch(request, fromRevision, maxEvents, wait), "watch", wait + _options.AttemptTimeout);
    }

    /// <inheritdoc />
    public Task<KvResponse> PutLeased(string key, string value, long lease)
        => WriteAsync(new KvCommand { Op = KvOp.Put, Key = key, Value = value, Lease = lease });

    /// <inheritdoc />
    public Task<KvResponse> LeaseGrant(long ttl, long id = 0)
        => WriteAsync(new KvCommand { Op = KvOp.LeaseGrant, Key = "", Lease = id, Ttl = ttl });

    /// <inheritdoc />
    public Task<KvResponse> LeaseRevoke(long id)
        => WriteAsync(new KvCommand { Op = KvOp.LeaseRevoke, Key = "", Lease = id });

    /// <inheritdoc />
    public async Task<KvResponse> LeaseKeepAlive(long id)
    {
        if (CheckGroup() is { } bad) return bad;
        if (id <= 0) return KvResponse.BadInput($"lease id must be positive, was {id}");
        return await RouteAsync(replica => replica.LeaseKeepAlive(id), "lease keep-alive");
    }

    /// <inheritdoc />
    public async Task<KvResponse> LeaseTimeToLive(long id, bool keys = false)
    {
        if (CheckGroup() is { } bad) return bad;
        if (id <= 0) return KvResponse.BadInput($"lease id must be positive, was {id}");
        return await RouteAsync(replica => replica.LeaseTimeToLive(id, keys), "lease time-to-live");
    }

    /// <inheritdoc />
    public Task<KvResponse> Increment(string key, long delta = 1)
        => WriteAsync(new KvCommand { Op = KvOp.Increment, Key = key, Delta = delta });
}
