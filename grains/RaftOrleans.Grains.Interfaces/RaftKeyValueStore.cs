namespace RaftOrleans.Grains;

/// <summary>
/// A typed handle on one Raft key-value group for application code. Thin: every call goes to the
/// group's <see cref="IKeyValueGrain"/> gateway, which handles leader routing and retries. Strings
/// holding a lone UTF-16 surrogate are rejected here, before Orleans' UTF-8 serialization would
/// silently replace it and turn the key into another one (see <see cref="WireText"/>).
/// </summary>
public sealed class RaftKeyValueStore : IRaftKeyValueStore
{
    private readonly IKeyValueGrain _gateway;

    /// <summary>Creates a store for <paramref name="group"/> using <paramref name="grainFactory"/>.</summary>
    public RaftKeyValueStore(IGrainFactory grainFactory, string group)
    {
        ArgumentNullException.ThrowIfNull(grainFactory);
        ArgumentException.ThrowIfNullOrWhiteSpace(group);
        Group = group;
        _gateway = grainFactory.GetGrain<IKeyValueGrain>(group);
    }

    /// <summary>The group name.</summary>
    public string Group { get; }

    /// <summary>Sets a key.</summary>
    public Task<KvResponse> PutAsync(string key, string value)
        => Rejected(("key", key), ("value", value)) ?? _gateway.Put(key, value);

    /// <summary>Reads a key; linearizable unless <paramref name="stale"/>.</summary>
    public Task<KvResponse> GetAsync(string key, bool stale = false)
        => Rejected(("key", key)) ?? _gateway.Get(key, stale);

    /// <summary>Deletes a key.</summary>
    public Task<KvResponse> DeleteAsync(string key)
        => Rejected(("key", key)) ?? _gateway.Delete(key);

    /// <summary>Compare-and-swap.</summary>
    public Task<KvResponse> CompareAndSwapAsync(string key, CasCondition condition, string newValue)
        => Rejected(("key", key), ("value", newValue), ("expected value", condition?.ExpectedValue)) ?? _gateway.CompareAndSwap(key, condition!, newValue);

    /// <inheritdoc />
    public Task<KvResponse> RangeAsync(RangeRequest request, CancellationToken cancellationToken = default)
        => Cancellable(RejectedRange(request) ?? _gateway.Range(request), cancellationToken);

    /// <inheritdoc />
    public async IAsyncEnumerable<KeyValueItem> ScanAsync(RangeRequest request, int pageSize = 1000, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        if ((!request.Prefix && request.RangeEnd is null) || request.CountOnly) throw new ArgumentException("scan a prefix or an interval (not one key, not count-only)", nameof(request));
        long remaining = request.Limit == 0 ? long.MaxValue : request.Limit;
        // Every page after the first is read at the first page's revision, so the scan sees one consistent keyspace
        // however long it takes (or fails with Compacted if it outlives the history).
        var page = request with { Limit = Math.Min(pageSize, remaining) };
        while (true)
        {
            var response = await RangeAsync(page, cancellationToken);
            if (!response.IsOk) throw new RaftKeyValueException(response);
            foreach (var item in response.Items ?? [])
            {
                yield return item;
                if (--remaining == 0) yield break;
            }
            if (!response.More || response.Items is not { Count: > 0 } items) yield break;
            // The next key after the last one returned, in UTF-8 byte order: append the smallest character.
            var after = items[^1].Key + "\0";
            page = page.Prefix
                ? new RangeRequest { Key = after, RangeEnd = RangeRequest.PrefixEnd(page.Key), Limit = Math.Min(pageSize, remaining), KeysOnly = page.KeysOnly, Revision = response.Revision, Serializable = page.Serializable }
                : page with { Key = after, Limit = Math.Min(pageSize, remaining), Revision = response.Revision };
        }
    }

    /// <inheritdoc />
    public Task<KvResponse> DeleteRangeAsync(RangeRequest request, CancellationToken cancellationToken = default)
        => Cancellable(RejectedRange(request) ?? _gateway.DeleteRange(request), cancellationToken);

    /// <inheritdoc />
    public Task<KvResponse> TxnAsync(TxnRequest request, CancellationToken cancellationToken = default)
    {
        if (request is null) return Task.FromResult(KvResponse.BadInput("a transaction is required"));
        var texts = new List<(string, string?)>();
        foreach (var c in request.Compares ?? []) texts.AddRange([("compare key", c?.Key), ("compare value", c?.Value)]);
        foreach (var op in (request.Success ?? []).Concat(request.Failure ?? []))
            texts.AddRange([("key", op?.Range?.Key), ("range end", op?.Range?.RangeEnd), ("value", op?.Value)]);
        return Cancellable(Rejected([.. texts]) ?? _gateway.Txn(request), cancellationToken);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<WatchEvent> WatchAsync(RangeRequest request, long fromRevision = 0, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (RejectedRange(request) is { } rejected) throw new RaftKeyValueException(await rejected);
        var next = fromRevision;
        var pause = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            KvResponse response;
            try
            {
                response = await _gateway.Watch(request, next).WaitAsync(cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException && !cancellationToken.IsCancellationRequested && IsTransient(e))
            {
                response = KvResponse.Unavailable(e.GetBaseException().Message);
            }
            if (response.Status == KvStatusCode.Unavailable)
            {
                // No leader for now (an election, a lost gateway): the same revision again, after a short pause.
                await Task.Delay(pause, cancellationToken);
                pause = TimeSpan.FromMilliseconds(Math.Min(pause.TotalMilliseconds * 2, 1000));
                continue;
            }
            if (!response.IsOk) throw new RaftKeyValueException(response);
            pause = TimeSpan.FromMilliseconds(50);
            foreach (var change in response.Events ?? []) yield return change;
            next = response.Revision + 1;
        }
    }

    private static bool IsTransient(Exception e) => e is TimeoutException or OrleansException or System.Net.Sockets.SocketException;

    /// <inheritdoc />
    public Task<KvResponse> PutAsync(string key, string value, long lease, CancellationToken cancellationToken = default)
        => Cancellable(Rejected(("key", key), ("value", value)) ?? (lease == 0 ? _gateway.Put(key, value) : _gateway.PutLeased(key, value, lease)), cancellationToken);

    /// <inheritdoc />
    public Task<KvResponse> GrantLeaseAsync(long ttlSeconds, long id = 0, CancellationToken cancellationToken = default)
        => Cancellable(_gateway.LeaseGrant(ttlSeconds, id), cancellationToken);

    /// <inheritdoc />
    public Task<KvResponse> RevokeLeaseAsync(long id, CancellationToken cancellationToken = default)
        => Cancellable(_gateway.LeaseRevoke(id), cancellationToken);

    /// <inheritdoc />
    public Task<KvResponse> KeepLeaseAliveOnceAsync(long id, CancellationToken cancellationToken = default)
        => Cancellable(_gateway.LeaseKeepAlive(id), cancellationToken);

    /// <inheritdoc />
    public Task<KvResponse> LeaseTimeToLiveAsync(long id, bool keys = false, CancellationToken cancellationToken = default)
        => Cancellable(_gateway.LeaseTimeToLive(id, keys), cancellationToken);

    /// <inheritdoc />
    public async Task KeepLeaseAliveAsync(long id, CancellationToken cancellationToken)
    {
        var ttl = TimeSpan.Zero;
        while (true)
        {
            KvResponse response;
            try
            {
                response = await _gateway.LeaseKeepAlive(id).WaitAsync(cancellationToken);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && IsTransient(e))
            {
                response = KvResponse.Unavailable(e.GetBaseException().Message);
            }
            if (response.IsOk) ttl = TimeSpan.FromSeconds(response.Ttl);
            else if (response.Status != KvStatusCode.Unavailable) throw new RaftKeyValueException(response);
            // A third of the TTL between keep-alives, as etcd's client does; sooner after a failed one, so an election
            // costs one short pause, not a missed renewal.
            var pause = response.IsOk ? ttl / 3 : TimeSpan.FromMilliseconds(200);
            await Task.Delay(pause > TimeSpan.FromMilliseconds(100) ? pause : TimeSpan.FromMilliseconds(100), cancellationToken);
        }
    }

    /// <inheritdoc />
    public Task<KvResponse> IncrementAsync(string key, long delta = 1, CancellationToken cancellationToken = default)
        => Cancellable(Rejected(("key", key)) ?? _gateway.Increment(key, delta), cancellationToken);

    /// <summary>Every replica's status.</summary>
    public Task<GroupStatus> StatusAsync() => _gateway.Status();

    /// <summary>
    /// The group's members as the most recent configuration any reachable replica holds (the leader's, with each
    /// member's replicated index, when it answers), and the status it came from; empty when no replica answered.
    /// </summary>
    public async Task<(IReadOnlyList<MemberInfo> Members, ReplicaStatus? From)> MembersAsync()
    {
        var status = await _gateway.Status();
        var from = status.Replicas.Where(r => r.Members.Count > 0)
            .OrderByDescending(r => r.Role == "Leader").ThenByDescending(r => r.ConfigurationIndex).FirstOrDefault();
        return (from?.Members ?? [], from);
    }

    /// <summary>
    /// Adds the replica that lives on <paramref name="silo"/> to the group: as a learner, then (unless
    /// <paramref name="learner"/>) promotes it once it has caught up. Answers the last step's response.
    /// </summary>
    public async Task<KvResponse> AddMemberAsync(string silo, bool learner = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(silo);
        var added = await _gateway.ChangeMembership(new MembershipChange { Kind = MembershipChangeKind.AddLearner, Silo = silo });
        if (!added.IsOk || learner) return added;
        return await _gateway.ChangeMembership(new MembershipChange { Kind = MembershipChangeKind.Promote, Silo = silo });
    }

    /// <summary>Promotes learner <paramref name="replica"/> to voter once it has caught up.</summary>
    public Task<KvResponse> PromoteMemberAsync(int replica)
        => _gateway.ChangeMembership(new MembershipChange { Kind = MembershipChangeKind.Promote, Replica = replica });

    /// <summary>Removes member <paramref name="replica"/> (voter or learner).</summary>
    public Task<KvResponse> RemoveMemberAsync(int replica)
        => _gateway.ChangeMembership(new MembershipChange { Kind = MembershipChangeKind.Remove, Replica = replica });

    /// <summary>Hands leadership to voter <paramref name="replica"/>.</summary>
    public Task<KvResponse> MoveLeaderAsync(int replica) => _gateway.MoveLeader(replica);

    private static Task<KvResponse>? Rejected(params ReadOnlySpan<(string What, string? Text)> parts)
        => WireText.RejectLoneSurrogates(parts) is { } bad ? Task.FromResult(bad) : null;

    private static Task<KvResponse>? RejectedRange(RangeRequest? request)
        => request is null ? Task.FromResult(KvResponse.BadInput("a range is required")) : Rejected(("key", request.Key), ("range end", request.RangeEnd));

    // A grain call cannot be withdrawn once sent: cancelling stops the wait, and a write may still apply.
    private static Task<KvResponse> Cancellable(Task<KvResponse> call, CancellationToken cancellationToken)
        => cancellationToken.CanBeCanceled ? call.WaitAsync(cancellationToken) : call;

}

/// <summary>Extensions to reach a Raft key-value group from any Orleans client or grain.</summary>
public static class RaftKeyValueClientExtensions
{
    /// <summary>The default group name.</summary>
    public const string DefaultGroup = "default";

    /// <summary>Returns a typed store for <paramref name="group"/>.</summary>
    public static RaftKeyValueStore GetRaftKeyValueStore(this IGrainFactory grainFactory, string group = DefaultGroup)
        => new(grainFactory, group);
}
