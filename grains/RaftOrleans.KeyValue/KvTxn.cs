namespace RaftOrleans.KeyValue;

/// <summary>The kinds of operation a transaction branch holds.</summary>
public enum KvTxnOpKind : byte
{
    /// <summary>Put <see cref="KvTxnOp.Value"/> at <see cref="KvTxnOp.Range"/>'s single key.</summary>
    Put = 1,

    /// <summary>Delete every key in <see cref="KvTxnOp.Range"/>.</summary>
    Delete = 2,

    /// <summary>Read <see cref="KvTxnOp.Range"/> (its revision must be 0: a transaction reads its own revision).</summary>
    Range = 3,
}

/// <summary>One operation of a transaction branch.</summary>
public sealed record KvTxnOp
{
    /// <summary>What it does.</summary>
    public required KvTxnOpKind Kind { get; init; }

    /// <summary>The key or keys it touches.</summary>
    public required KvRange Range { get; init; }

    /// <summary>The value of a put.</summary>
    public string? Value { get; init; }

    /// <summary>The lease of a put (0 = none).</summary>
    public long Lease { get; init; }

    /// <summary>A put of <paramref name="value"/> at <paramref name="key"/>, attached to <paramref name="lease"/> (0 = none).</summary>
    public static KvTxnOp Put(string key, string value, long lease = 0) => new() { Kind = KvTxnOpKind.Put, Range = KvRange.Single(key), Value = value, Lease = lease };

    /// <summary>A delete of <paramref name="range"/>.</summary>
    public static KvTxnOp Delete(KvRange range) => new() { Kind = KvTxnOpKind.Delete, Range = range };

    /// <summary>A read of <paramref name="range"/>.</summary>
    public static KvTxnOp Read(KvRange range) => new() { Kind = KvTxnOpKind.Range, Range = range };
}

/// <summary>
/// A transaction, etcd's <c>Txn</c>: if every compare holds, the success branch runs, else the failure
/// branch. Its operations run in order, each seeing the ones before it, and every change it makes shares
/// one new store revision.
/// </summary>
public sealed record KvTxn
{
    /// <summary>The conditions (all must hold; none = success).</summary>
    public IReadOnlyList<KvCompare> Compares { get; init; } = [];

    /// <summary>Run when every compare holds.</summary>
    public IReadOnlyList<KvTxnOp> Success { get; init; } = [];

    /// <summary>Run otherwise.</summary>
    public IReadOnlyList<KvTxnOp> Failure { get; init; } = [];
}
