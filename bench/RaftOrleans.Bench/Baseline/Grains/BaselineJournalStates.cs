namespace RaftOrleans.Grains.Baseline;

/// <summary>One durable write of the baseline store: the key, its new value and the revision it got.</summary>
[GenerateSerializer, Immutable, Alias("raftkv.BaselineEntry")]
public sealed record BaselineEntry
{
    /// <summary>The key written.</summary>
    [Id(0)] public string Key { get; init; } = "";
    /// <summary>The value written.</summary>
    [Id(1)] public string Value { get; init; } = "";
    /// <summary>The store-wide revision of this write (1, 2, 3, ...).</summary>
    [Id(2)] public long Revision { get; init; }
}

/// <summary>One storage row of the baseline journal: every write of one group-commit batch.</summary>
[GenerateSerializer, Alias("raftkv.BaselineBatchState")]
public sealed class BaselineBatchState
{
    /// <summary>The batch's writes, in revision order.</summary>
    [Id(0)] public List<BaselineEntry> Entries { get; set; } = [];
}
