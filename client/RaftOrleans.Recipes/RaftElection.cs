using System.Runtime.CompilerServices;
using RaftOrleans.Grains;

namespace RaftOrleans.Recipes;

/// <summary>
/// Leader election on the store, etcd's <c>v3election</c> recipe: candidates queue by lease-held keys, the first is the
/// leader, its value is what it proclaims. A leader that crashes loses its lease and the next candidate takes over
/// within the lease's TTL. <see cref="RaftLeadership.Term"/> (the create revision of the leader's key) grows with every
/// new leader: use it as a fencing token.
/// </summary>
public sealed class RaftElection
{
    private readonly IRaftKeyValueStore _store;
    private readonly LeaseQueue _queue;

    /// <summary>The election <paramref name="name"/> in <paramref name="store"/>; its keys are <c>{Prefix}{name}/</c>.</summary>
    public RaftElection(IRaftKeyValueStore store, string name, RaftLockOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrEmpty(name);
        options ??= new RaftLockOptions { Prefix = "elections/" };
        options.Validate();
        Name = name;
        _store = store;
        _queue = new LeaseQueue(store, $"{options.Prefix}{name}/", options.LeaseTtl);
    }

    /// <summary>The election's name.</summary>
    public string Name { get; }

    /// <summary>Campaigns with <paramref name="value"/> and returns once this candidate leads (or throws when cancelled).</summary>
    public async Task<RaftLeadership> CampaignAsync(string value, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(value);
        var entry = await _queue.EnterAsync(value, CancellationToken.None, cancellationToken);
        return new RaftLeadership(_store, entry!, value);
    }

    /// <summary>The current leader's value, or null when there is none.</summary>
    public async Task<string?> LeaderAsync(CancellationToken cancellationToken = default)
        => (await _queue.FirstAsync(cancellationToken)).First?.Value;

    /// <summary>
    /// The leader's value now (null = none) and each time it changes (a new leader, or a proclaim), until cancelled.
    /// Values may be skipped when several changes happen at once, never reordered.
    /// </summary>
    public async IAsyncEnumerable<string?> ObserveAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var (first, revision) = await _queue.FirstAsync(cancellationToken);
        var leader = first;
        yield return leader?.Value;
        await foreach (var change in _store.WatchAsync(RangeRequest.WithPrefix(_queue.Prefix), revision + 1, cancellationToken))
        {
            (first, _) = await _queue.FirstAsync(cancellationToken);
            if (first?.Key == leader?.Key && first?.Value == leader?.Value) continue;
            leader = first;
            yield return leader?.Value;
        }
    }
}

/// <summary>This candidate's leadership, until <see cref="ResignAsync"/>, disposal, or the loss of its lease.</summary>
public sealed class RaftLeadership : IAsyncDisposable
{
    private readonly IRaftKeyValueStore _store;
    private readonly LeaseQueueEntry _entry;

    internal RaftLeadership(IRaftKeyValueStore store, LeaseQueueEntry entry, string value)
    {
        _store = store;
        _entry = entry;
        Value = value;
    }

    /// <summary>The value last proclaimed.</summary>
    public string Value { get; private set; }

    /// <summary>The create revision of the leader's key: larger for every later leader.</summary>
    public long Term => _entry.Token;

    /// <summary>The leader's key.</summary>
    public string Key => _entry.Key;

    /// <summary>Cancelled when the lease behind the leadership is found to have ended.</summary>
    public CancellationToken LostToken => _entry.LostToken;

    /// <summary>Changes the value observers see, only while still leader; false when the leadership was lost.</summary>
    public async Task<bool> ProclaimAsync(string value, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(value);
        var response = LeaseQueue.Ok(await _store.TxnAsync(new TxnRequest
        {
            Compares = [TxnCompare.NumberIs(Key, TxnTarget.CreateRevision, TxnOperator.Equal, Term)],
            Success = [TxnOperation.Put(Key, value, _entry.Lease)],
        }, cancellationToken));
        if (response.Succeeded) Value = value;
        return response.Succeeded;
    }

    /// <summary>Steps down: the next candidate leads.</summary>
    public ValueTask ResignAsync() => _entry.DisposeAsync();

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _entry.DisposeAsync();
}
