namespace RaftOrleans.Grains;

/// <summary>What a transaction compare looks at.</summary>
[GenerateSerializer, Alias("raftkv.TxnTarget")]
public enum TxnTarget : byte
{
    /// <summary>The value (UTF-8 byte order). An absent key fails every value compare.</summary>
    Value = 1,
    /// <summary>The version (0 when absent).</summary>
    Version = 2,
    /// <summary>The create revision (0 when absent).</summary>
    CreateRevision = 3,
    /// <summary>The mod revision (0 when absent).</summary>
    ModRevision = 4,
}

/// <summary>How a compare relates the key's target to its operand.</summary>
[GenerateSerializer, Alias("raftkv.TxnOperator")]
public enum TxnOperator : byte
{
    /// <summary>Equal.</summary>
    Equal = 1,
    /// <summary>Not equal.</summary>
    NotEqual = 2,
    /// <summary>The key's target is less than the operand.</summary>
    Less = 3,
    /// <summary>The key's target is greater than the operand.</summary>
    Greater = 4,
}

/// <summary>One condition of a transaction.</summary>
[GenerateSerializer, Immutable, Alias("raftkv.TxnCompare")]
public sealed record TxnCompare
{
    /// <summary>The key.</summary>
    [Id(0)] public required string Key { get; init; }
    /// <summary>What is compared.</summary>
    [Id(1)] public required TxnTarget Target { get; init; }
    /// <summary>How.</summary>
    [Id(2)] public required TxnOperator Operator { get; init; }
    /// <summary>The operand of a value compare.</summary>
    [Id(3)] public string? Value { get; init; }
    /// <summary>The operand of a version or revision compare.</summary>
    [Id(4)] public long Number { get; init; }

    /// <summary>The key's value relates to <paramref name="value"/> by <paramref name="op"/>.</summary>
    public static TxnCompare ValueIs(string key, TxnOperator op, string value) => new() { Key = key, Target = TxnTarget.Value, Operator = op, Value = value };
    /// <summary>The key's <paramref name="target"/> (a version or revision) relates to <paramref name="number"/> by <paramref name="op"/>.</summary>
    public static TxnCompare NumberIs(string key, TxnTarget target, TxnOperator op, long number) => new() { Key = key, Target = target, Operator = op, Number = number };
    /// <summary>The key is absent (its create revision is 0).</summary>
    public static TxnCompare Absent(string key) => NumberIs(key, TxnTarget.CreateRevision, TxnOperator.Equal, 0);
}

/// <summary>The kinds of operation in a transaction branch.</summary>
[GenerateSerializer, Alias("raftkv.TxnOperationKind")]
public enum TxnOperationKind : byte
{
    /// <summary>Put a value at one key.</summary>
    Put = 1,
    /// <summary>Delete the keys of a range.</summary>
    Delete = 2,
    /// <summary>Read a range (at the transaction's revision, seeing the operations before it).</summary>
    Range = 3,
}

/// <summary>One operation of a transaction branch.</summary>
[GenerateSerializer, Immutable, Alias("raftkv.TxnOperation")]
public sealed record TxnOperation
{
    /// <summary>What it does.</summary>
    [Id(0)] public required TxnOperationKind Kind { get; init; }
    /// <summary>The keys it touches (one key for a put).</summary>
    [Id(1)] public required RangeRequest Range { get; init; }
    /// <summary>The value of a put.</summary>
    [Id(2)] public string? Value { get; init; }
    /// <summary>The lease of a put (0 = none).</summary>
    [Id(3)] public long Lease { get; init; }

    /// <summary>Put <paramref name="value"/> at <paramref name="key"/>, attached to <paramref name="lease"/> (0 = none).</summary>
    public static TxnOperation Put(string key, string value, long lease = 0) => new() { Kind = TxnOperationKind.Put, Range = RangeRequest.Single(key), Value = value, Lease = lease };
    /// <summary>Delete the keys of <paramref name="range"/>.</summary>
    public static TxnOperation Delete(RangeRequest range) => new() { Kind = TxnOperationKind.Delete, Range = range };
    /// <summary>Read <paramref name="range"/>.</summary>
    public static TxnOperation Read(RangeRequest range) => new() { Kind = TxnOperationKind.Range, Range = range };
}

/// <summary>
/// A transaction: if every compare holds, the success operations run, else the failure ones; in order, each
/// seeing the ones before, with every change at one new store revision. At most 128 compares plus operations
/// (the larger branch) by default, and the values put at most the value limit in all.
/// </summary>
[GenerateSerializer, Immutable, Alias("raftkv.TxnRequest")]
public sealed record TxnRequest
{
    /// <summary>The conditions (none = success).</summary>
    [Id(0)] public IReadOnlyList<TxnCompare> Compares { get; init; } = [];
    /// <summary>Run when every compare holds.</summary>
    [Id(1)] public IReadOnlyList<TxnOperation> Success { get; init; } = [];
    /// <summary>Run otherwise.</summary>
    [Id(2)] public IReadOnlyList<TxnOperation> Failure { get; init; } = [];
}
