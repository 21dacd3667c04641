namespace RaftOrleans.KeyValue;

/// <summary>How a command or read ended.</summary>
public enum KvStatus : byte
{
    /// <summary>Applied (writes) or found (reads).</summary>
    Ok,

    /// <summary>The key does not exist (Get, Delete).</summary>
    NotFound,

    /// <summary>A Cas condition did not hold; nothing changed.</summary>
    CasConflict,

    /// <summary>The command was malformed, invalid or a stale retry; nothing changed.</summary>
    BadInput,

    /// <summary>A read at a revision older than the history this replica retains; <see cref="KvResult.Revision"/>
    /// is the oldest revision it can read.</summary>
    Compacted,
}
