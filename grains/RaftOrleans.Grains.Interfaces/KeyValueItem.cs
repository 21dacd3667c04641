namespace RaftOrleans.Grains;

/// <summary>One key of a range answer, as etcd describes a key-value pair.</summary>
[GenerateSerializer, Immutable, Alias("raftkv.KeyValueItem")]
public sealed record KeyValueItem
{
    /// <summary>The key.</summary>
    [Id(0)] public required string Key { get; init; }
    /// <summary>The value; null in a keys-only range.</summary>
    [Id(1)] public string? Value { get; init; }
    /// <summary>The store revision that created the key.</summary>
    [Id(2)] public long CreateRevision { get; init; }
    /// <summary>The store revision of its last write.</summary>
    [Id(3)] public long ModRevision { get; init; }
    /// <summary>Writes since it was created (1 after the first).</summary>
    [Id(4)] public long Version { get; init; }
    /// <summary>The lease the key is attached to (0 = none).</summary>
    [Id(5)] public long Lease { get; init; }
}
