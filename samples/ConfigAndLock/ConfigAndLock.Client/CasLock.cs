using RaftOrleans.Grains;

namespace ConfigAndLock;

/// <summary>
/// A mutual-exclusion lock on one key, built on compare-and-swap. The key holds the owner's name while
/// the lock is held and the empty string once released; every change is a CAS, so no two owners can
/// hold it at once and a release never frees another owner's lock.
/// </summary>
/// <remarks>
/// NOT released if its holder crashes: the store has no leases yet, so a dead holder keeps the lock
/// until someone clears it by hand (<c>raftkv cas KEY OWNER ""</c>). See the sample's README.
/// </remarks>
public sealed class CasLock(RaftKeyValueStore store, string key)
{
    /// <summary>Takes the lock for <paramref name="owner"/> if it is free. Returns the holder after the attempt.</summary>
    public async Task<(bool Acquired, string Holder)> TryAcquireAsync(string owner)
    {
        var current = await store.GetAsync(key);
        var condition = current.Status switch
        {
            KvStatusCode.NotFound => CasCondition.NotExists(),
            KvStatusCode.Ok when current.Value == "" => CasCondition.RevisionEquals(current.Revision),
            KvStatusCode.Ok => null,                       // held by current.Value
            _ => throw new InvalidOperationException($"reading {key}: {current.Status} {current.Message}"),
        };
        if (condition is null) return (current.Value == owner, current.Value!);

        var swap = await store.CompareAndSwapAsync(key, condition, owner);
        return swap.Status switch
        {
            KvStatusCode.Ok => (true, owner),
            KvStatusCode.CasConflict => (swap.Value == owner, swap.Value ?? ""),   // someone was faster
            _ => throw new InvalidOperationException($"taking {key}: {swap.Status} {swap.Message}"),
        };
    }

    /// <summary>Releases the lock if <paramref name="owner"/> holds it; false when it does not.</summary>
    public async Task<bool> ReleaseAsync(string owner)
    {
        var swap = await store.CompareAndSwapAsync(key, CasCondition.ValueEquals(owner), "");
        return swap.Status switch
        {
            KvStatusCode.Ok => true,
            KvStatusCode.CasConflict or KvStatusCode.NotFound => false,
            _ => throw new InvalidOperationException($"releasing {key}: {swap.Status} {swap.Message}"),
        };
    }
}
