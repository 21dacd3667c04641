namespace RaftOrleans.Consensus;

/// <summary>What a log entry carries.</summary>
public enum EntryType : byte
{
    /// <summary>An application command (opaque bytes for the state machine).</summary>
    Normal = 0,

    /// <summary>An empty entry a new leader appends to commit entries of earlier terms (paper §5.4.2, §8).</summary>
    Noop = 1,

    /// <summary>The group configuration: each voter's storage incarnation (<see cref="ConfigurationCodec"/>).
    /// The latest one in the log governs, committed or not (thesis §4.1); the state machine ignores it.</summary>
    Config = 2,
}

/// <summary>One Raft log entry. Immutable; <see cref="Data"/> must not be mutated after creation.</summary>
/// <param name="Term">The leader term in which the entry was created.</param>
/// <param name="Index">The position in the log, starting at 1.</param>
/// <param name="Type">Normal command, leader no-op or group configuration.</param>
/// <param name="Data">The command bytes (empty for <see cref="EntryType.Noop"/>).</param>
public sealed record Entry(long Term, long Index, EntryType Type, byte[] Data)
{
    /// <summary>Approximate wire size, used for batching limits.</summary>
    public int Size => Data.Length + 24;
}
