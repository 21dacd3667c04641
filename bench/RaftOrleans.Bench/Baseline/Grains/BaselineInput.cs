namespace RaftOrleans.Grains.Baseline;

/// <summary>The baseline's input checks: the same rules the Raft gateway applies before a request goes anywhere.</summary>
internal static class BaselineInput
{
    /// <summary>A bad-input response for an empty key, or for a condition that is not exactly one kind; otherwise null.</summary>
    public static KvResponse? Check(string key, CasCondition? condition = null, bool needsCondition = false)
    {
        if (string.IsNullOrEmpty(key)) return KvResponse.BadInput("key must not be empty");
        if (condition is null) return needsCondition ? KvResponse.BadInput("compare-and-swap needs a condition") : null;
        var kinds = (condition.ExpectedValue is not null ? 1 : 0) + (condition.ExpectedRevision is not null ? 1 : 0) + (condition.MustNotExist ? 1 : 0);
        return kinds == 1 ? null : KvResponse.BadInput("compare-and-swap needs exactly one condition");
    }
}
