namespace RaftOrleans.KeyValue;

/// <summary>What a transaction compare looks at, etcd's <c>Compare.CompareTarget</c>.</summary>
public enum KvCompareTarget : byte
{
    /// <summary>The value (compared in <see cref="KeyOrder"/>, that is, by UTF-8 bytes). An absent key fails every value compare.</summary>
    Value = 1,

    /// <summary>The key's version (0 when absent).</summary>
    Version = 2,

    /// <summary>The key's create revision (0 when absent).</summary>
    CreateRevision = 3,

    /// <summary>The key's mod revision (0 when absent).</summary>
    ModRevision = 4,
}

/// <summary>How a compare relates the key's target to the operand, etcd's <c>Compare.CompareResult</c>.</summary>
public enum KvCompareOperator : byte
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

/// <summary>One condition of a transaction: <see cref="Target"/> of <see cref="Key"/> <see cref="Operator"/> the operand.</summary>
public sealed record KvCompare
{
    /// <summary>The key compared.</summary>
    public required string Key { get; init; }

    /// <summary>What is compared.</summary>
    public required KvCompareTarget Target { get; init; }

    /// <summary>How.</summary>
    public required KvCompareOperator Operator { get; init; }

    /// <summary>The operand for <see cref="KvCompareTarget.Value"/>.</summary>
    public string? Value { get; init; }

    /// <summary>The operand for the numeric targets.</summary>
    public long Number { get; init; }

    /// <summary>Evaluates the compare against the key's record (null = absent).</summary>
    internal bool Holds(KeyRecord? record)
    {
        int order;
        if (Target == KvCompareTarget.Value)
        {
            if (record is not { } present) return false;
            order = KeyOrder.Instance.Compare(present.Value, Value ?? "");
        }
        else
        {
            long actual = record is not { } r ? 0 : Target switch
            {
                KvCompareTarget.Version => r.Version,
                KvCompareTarget.CreateRevision => r.CreateRevision,
                _ => r.ModRevision,
            };
            order = actual.CompareTo(Number);
        }
        return Operator switch
        {
            KvCompareOperator.Equal => order == 0,
            KvCompareOperator.NotEqual => order != 0,
            KvCompareOperator.Less => order < 0,
            _ => order > 0,
        };
    }
}
