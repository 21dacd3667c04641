using Medallion.Threading;
using RaftOrleans.Grains;

namespace RaftOrleans.Recipes;

/// <summary>
/// A linearizable distributed lock held by a lease (DistributedLock.Core's <see cref="IDistributedLock"/>): at most
/// one holder at a time, released when the handle is disposed or, if the holder crashes, when its lease runs out.
/// The handle's <see cref="RaftLockHandle.FencingToken"/> grows with every holder; pass it to whatever the lock
/// protects, or write through <see cref="RaftLockHandle.PutIfHeldAsync"/>, which commits only while the lock is held.
/// </summary>
public sealed class RaftDistributedLock : IDistributedLock
{
    private readonly LeaseQueue _queue;

    /// <summary>A lock named <paramref name="name"/> in <paramref name="store"/>.</summary>
    public RaftDistributedLock(IRaftKeyValueStore store, string name, RaftLockOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrEmpty(name);
        options ??= new RaftLockOptions();
        options.Validate();
        Name = name;
        _queue = new LeaseQueue(store, $"{options.Prefix}{name}/", options.LeaseTtl);
        Store = store;
    }

    /// <inheritdoc />
    public string Name { get; }

    private IRaftKeyValueStore Store { get; }

    /// <summary>Tries to take the lock within <paramref name="timeout"/> (zero = one look); null if another holds it.</summary>
    public async ValueTask<RaftLockHandle?> TryAcquireAsync(TimeSpan timeout = default, CancellationToken cancellationToken = default)
    {
        using var deadline = new CancellationTokenSource(timeout <= TimeSpan.Zero ? TimeSpan.FromMilliseconds(1) : timeout);
        return await AcquireCoreAsync(deadline.Token, cancellationToken);
    }

    /// <summary>Takes the lock, waiting up to <paramref name="timeout"/> (null = as long as it takes); throws
    /// <see cref="TimeoutException"/> when it is not free in time.</summary>
    public async ValueTask<RaftLockHandle> AcquireAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        using var deadline = timeout is { } t ? new CancellationTokenSource(t) : new CancellationTokenSource();
        return await AcquireCoreAsync(deadline.Token, cancellationToken)
            ?? throw new TimeoutException($"lock '{Name}' was not free within {timeout}");
    }

    private async ValueTask<RaftLockHandle?> AcquireCoreAsync(CancellationToken deadline, CancellationToken cancellationToken)
    {
        var entry = await _queue.EnterAsync("", deadline, cancellationToken);
        return entry is null ? null : new RaftLockHandle(Store, entry);
    }

    ValueTask<IDistributedSynchronizationHandle?> IDistributedLock.TryAcquireAsync(TimeSpan timeout, CancellationToken cancellationToken)
        => Widen(TryAcquireAsync(timeout, cancellationToken));

    async ValueTask<IDistributedSynchronizationHandle> IDistributedLock.AcquireAsync(TimeSpan? timeout, CancellationToken cancellationToken)
        => await AcquireAsync(timeout, cancellationToken);

    // The synchronous forms block on the asynchronous ones, as DistributedLock's own network locks do.
    IDistributedSynchronizationHandle? IDistributedLock.TryAcquire(TimeSpan timeout, CancellationToken cancellationToken)
        => TryAcquireAsync(timeout, cancellationToken).AsTask().GetAwaiter().GetResult();

    IDistributedSynchronizationHandle IDistributedLock.Acquire(TimeSpan? timeout, CancellationToken cancellationToken)
        => AcquireAsync(timeout, cancellationToken).AsTask().GetAwaiter().GetResult();

    private static async ValueTask<IDistributedSynchronizationHandle?> Widen(ValueTask<RaftLockHandle?> handle) => await handle;
}

/// <summary>A held <see cref="RaftDistributedLock"/>. Dispose it to release the lock.</summary>
public sealed class RaftLockHandle : IDistributedSynchronizationHandle
{
    private readonly IRaftKeyValueStore _store;
    private readonly LeaseQueueEntry _entry;

    internal RaftLockHandle(IRaftKeyValueStore store, LeaseQueueEntry entry)
    {
        _store = store;
        _entry = entry;
    }

    /// <summary>The fencing token: the store revision that created this holder's key. Every later holder's is larger.</summary>
    public long FencingToken => _entry.Token;

    /// <summary>The lease that holds the lock (its keep-alives run until the handle is disposed).</summary>
    public long Lease => _entry.Lease;

    /// <summary>This holder's key.</summary>
    public string Key => _entry.Key;

    /// <inheritdoc />
    public CancellationToken HandleLostToken => _entry.LostToken;

    /// <summary>
    /// Puts <paramref name="key"/> only if this handle still holds the lock, in one transaction (compare this holder's
    /// key's create revision with the token): a holder that lost its lease (paused too long, partitioned) can never
    /// overwrite the next holder's work. <see cref="KvResponse.Succeeded"/> is false when the lock was lost.
    /// </summary>
    public Task<KvResponse> PutIfHeldAsync(string key, string value, CancellationToken cancellationToken = default)
        => _store.TxnAsync(new TxnRequest
        {
            Compares = [TxnCompare.NumberIs(Key, TxnTarget.CreateRevision, TxnOperator.Equal, FencingToken)],
            Success = [TxnOperation.Put(key, value)],
        }, cancellationToken);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _entry.DisposeAsync();

    /// <inheritdoc />
    public void Dispose() => _entry.DisposeAsync().AsTask().GetAwaiter().GetResult();
}

/// <summary>Creates <see cref="RaftDistributedLock"/>s (DistributedLock.Core's <see cref="IDistributedLockProvider"/>).</summary>
public sealed class RaftDistributedLockProvider(IRaftKeyValueStore store, RaftLockOptions? options = null) : IDistributedLockProvider
{
    /// <inheritdoc />
    public IDistributedLock CreateLock(string name) => new RaftDistributedLock(store, name, options);
}
