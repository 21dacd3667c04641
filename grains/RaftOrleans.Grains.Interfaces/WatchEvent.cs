namespace RaftOrleans.Grains;

/// <summary>One change a watch reports.</summary>
[GenerateSerializer, Immutable, Alias("raftkv.WatchEvent")]
public sealed record WatchEvent
{
    /// <summary>The store revision of the change (a transaction's changes share one).</summary>
    [Id(0)] public long Revision { get; init; }
    /// <summary>A delete; otherwise a put.</summary>
    [Id(1)] public bool IsDelete { get; init; }
    /// <summary>The key after a put; after a delete, the key with the delete's revision as mod revision and no value.</summary>
    [Id(2)] public required KeyValueItem Current { get; init; }
    /// <summary>The key before the change; null when it was absent.</summary>
    [Id(3)] public KeyValueItem? Previous { get; init; }
}
