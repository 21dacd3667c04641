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
}
