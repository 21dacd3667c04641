namespace RaftOrleans.Recipes;

/// <summary>Options of <see cref="RaftDistributedLock"/> and <see cref="RaftElection"/>.</summary>
public sealed class RaftLockOptions
{
    /// <summary>The key prefix every lock's (or election's) keys live under; each name gets <c>{Prefix}{name}/</c>.</summary>
    public string Prefix { get; set; } = "locks/";

    /// <summary>
    /// The time to live of the lease behind each holder: if a holder crashes, the lock is free again at most this long
    /// after its last keep-alive. Whole seconds, at least 1 s. Default 10 s.
    /// </summary>
    public TimeSpan LeaseTtl { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        if (string.IsNullOrEmpty(Prefix)) throw new ArgumentException("RaftLockOptions.Prefix must not be empty: locks need a key prefix of their own.");
        if (LeaseTtl < TimeSpan.FromSeconds(1)) throw new ArgumentException($"RaftLockOptions.LeaseTtl must be at least 1 second, was {LeaseTtl}.");
    }
}
