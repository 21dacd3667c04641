namespace RaftOrleans.KeyValue;

/// <summary>The write operations a log entry can carry. Reads never enter the log.</summary>
public enum KvOp : byte
{
    /// <summary>Set a key to a value, creating it if absent.</summary>
    Put = 1,

    /// <summary>Remove a key.</summary>
    Delete = 2,

    /// <summary>Compare-and-swap: set a key's value only if a condition on its current state holds.</summary>
    Cas = 3,

    /// <summary>Remove every key of <see cref="KvCommand.Range"/> (a prefix or an interval).</summary>
    DeleteRange = 4,

    /// <summary>Add <see cref="KvCommand.Delta"/> to the integer a key holds (an absent key holds 0).</summary>
    Increment = 5,

    /// <summary>A transaction (<see cref="KvCommand.Txn"/>): compares, then one branch of operations, at one revision.</summary>
    Txn = 6,

    /// <summary>Grant a lease of <see cref="KvCommand.Ttl"/> seconds, with id <see cref="KvCommand.Lease"/> (0 = the next free one).</summary>
    LeaseGrant = 7,

    /// <summary>End lease <see cref="KvCommand.Lease"/> and delete every key attached to it (a revoke, or an expiry the leader decided).</summary>
    LeaseRevoke = 8,
}
