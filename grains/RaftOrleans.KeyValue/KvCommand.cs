namespace RaftOrleans.KeyValue;

/// <summary>
/// One log entry's payload: a write (on one key, a range of keys, or a transaction), optionally inside a client session so a retried
/// command applies at most once (Raft thesis ch. 6.3). Encode it with <see cref="KvCommandCodec"/>.
/// </summary>
public sealed record KvCommand
{
    /// <summary>The operation.</summary>
    public required KvOp Op { get; init; }

    /// <summary>The key written. Non-empty, valid UTF-16, at most <see cref="KvLimits.MaxKeyBytes"/> UTF-8 bytes;
    /// empty for <see cref="KvOp.DeleteRange"/> and <see cref="KvOp.Txn"/>, which carry their keys elsewhere.</summary>
    public required string Key { get; init; }

    /// <summary>The keys a <see cref="KvOp.DeleteRange"/> removes.</summary>
    public KvRange? Range { get; init; }

    /// <summary>What an <see cref="KvOp.Increment"/> adds (may be negative).</summary>
    public long Delta { get; init; }

    /// <summary>The transaction of a <see cref="KvOp.Txn"/>.</summary>
    public KvTxn? Txn { get; init; }

    /// <summary>A put's lease (0 = none), or the lease a lease command is about.</summary>
    public long Lease { get; init; }

    /// <summary>A <see cref="KvOp.LeaseGrant"/>'s time to live, in seconds.</summary>
    public long Ttl { get; init; }

    /// <summary>The value to store: required for <see cref="KvOp.Put"/> and <see cref="KvOp.Cas"/>, absent for <see cref="KvOp.Delete"/>.</summary>
    public string? Value { get; init; }

    /// <summary>Cas condition: the key's current value must equal this.</summary>
    public string? ExpectedValue { get; init; }

    /// <summary>Cas condition: the key's current revision (log index of its last write) must equal this.</summary>
    public long? ExpectedRevision { get; init; }

    /// <summary>Cas condition: the key must be absent.</summary>
    public bool MustNotExist { get; init; }

    /// <summary>The client session, or 0 for a command without a session (no deduplication).</summary>
    public long ClientId { get; init; }

    /// <summary>The command's sequence number within its session (1, 2, 3, ...); 0 without a session.</summary>
    public long Sequence { get; init; }

    /// <summary>The client has received the results of every sequence below this, so the state machine
    /// may forget them. Never above <see cref="Sequence"/>.</summary>
    public long AckedBelow { get; init; }
}
