namespace RaftOrleans.KeyValue;

/// <summary>
/// Which keys a range read or a delete-range covers, and how a read answers. Three shapes:
/// <list type="bullet">
/// <item>one key: <see cref="Key"/>, no <see cref="RangeEnd"/>, not <see cref="Prefix"/>;</item>
/// <item>a prefix: every key starting with <see cref="Key"/> (<c>""</c> = every key);</item>
/// <item>an interval: keys from <see cref="Key"/> (inclusive) to <see cref="RangeEnd"/> (exclusive), in
/// <see cref="KeyOrder"/>; <see cref="RangeEnd"/> = <see cref="ToEnd"/> means no upper bound, as in etcd.</item>
/// </list>
/// </summary>
public sealed record KvRange
{
    /// <summary>The <see cref="RangeEnd"/> that means "every key from <see cref="Key"/> on" (etcd's <c>"\0"</c>).</summary>
    public const string ToEnd = "\0";

    /// <summary>The key, first key of the interval, or prefix.</summary>
    public required string Key { get; init; }

    /// <summary>The exclusive end of the interval; null for one key or a prefix.</summary>
    public string? RangeEnd { get; init; }

    /// <summary>Every key that starts with <see cref="Key"/>.</summary>
    public bool Prefix { get; init; }

    /// <summary>Most keys to return (0 = no limit). <see cref="KvResult.More"/> says whether more matched.</summary>
    public long Limit { get; init; }

    /// <summary>Return keys and revisions without values.</summary>
    public bool KeysOnly { get; init; }

    /// <summary>Return only the number of matching keys.</summary>
    public bool CountOnly { get; init; }

    /// <summary>Read the keyspace as it was at this store revision (0 = now). Older than the retained
    /// history answers <see cref="KvStatus.Compacted"/>; newer than now answers <see cref="KvStatus.BadInput"/>.</summary>
    public long Revision { get; init; }

    /// <summary>True for the one-key shape.</summary>
    public bool IsSingleKey => !Prefix && RangeEnd is null;

    /// <summary>A read of one key.</summary>
    public static KvRange Single(string key) => new() { Key = key };

    /// <summary>A read of every key starting with <paramref name="prefix"/>.</summary>
    public static KvRange WithPrefix(string prefix) => new() { Key = prefix, Prefix = true };

    /// <summary>True when <paramref name="key"/> lies in the range.</summary>
    public bool Contains(string key)
    {
        if (Prefix) return key.StartsWith(Key, StringComparison.Ordinal);
        if (RangeEnd is null) return string.Equals(key, Key, StringComparison.Ordinal);
        if (KeyOrder.Less(key, Key)) return false;
        return RangeEnd == ToEnd || KeyOrder.Less(key, RangeEnd);
    }
}
