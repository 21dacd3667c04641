namespace RaftOrleans.Grains;

/// <summary>The condition of a compare-and-swap. Exactly one kind is set.</summary>
[GenerateSerializer, Immutable, Alias("raftkv.CasCondition")]
public sealed record CasCondition
{
    /// <summary>Succeed only if the current value equals this.</summary>
    [Id(0)] public string? ExpectedValue { get; init; }
    /// <summary>Succeed only if the key's current revision equals this.</summary>
    [Id(1)] public long? ExpectedRevision { get; init; }
    /// <summary>Succeed only if the key does not exist.</summary>
    [Id(2)] public bool MustNotExist { get; init; }

    /// <summary>Condition on the current value.</summary>
    public static CasCondition ValueEquals(string value) => new() { ExpectedValue = value };
    /// <summary>Condition on the current revision.</summary>
    public static CasCondition RevisionEquals(long revision) => new() { ExpectedRevision = revision };
    /// <summary>Condition that the key is absent.</summary>
    public static CasCondition NotExists() => new() { MustNotExist = true };
}
