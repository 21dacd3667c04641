namespace RaftOrleans.Grains;

/// <summary>
/// The keys a range read or a delete-range covers: one key (<see cref="Key"/> alone), every key with a prefix
/// (<see cref="Prefix"/>), or the keys from <see cref="Key"/> up to but not including <see cref="RangeEnd"/> in
/// UTF-8 byte order (<see cref="ToEnd"/> = no end). For reads, also how to answer.
/// </summary>
[GenerateSerializer, Immutable, Alias("raftkv.RangeRequest")]
public sealed record RangeRequest
{
    /// <summary>The <see cref="RangeEnd"/> meaning "every key from <see cref="Key"/> on" (etcd's <c>"\0"</c>).</summary>
    public const string ToEnd = "\0";

    /// <summary>The key, the first key, or the prefix (may be empty for a prefix or an interval).</summary>
    [Id(0)] public required string Key { get; init; }
    /// <summary>The exclusive end of an interval; null for one key or a prefix.</summary>
    [Id(1)] public string? RangeEnd { get; init; }
    /// <summary>Every key starting with <see cref="Key"/>.</summary>
    [Id(2)] public bool Prefix { get; init; }
    /// <summary>Most keys to return (0 = all).</summary>
    [Id(3)] public long Limit { get; init; }
    /// <summary>Keys and revisions only, no values.</summary>
    [Id(4)] public bool KeysOnly { get; init; }
    /// <summary>Only the number of matching keys.</summary>
    [Id(5)] public bool CountOnly { get; init; }
    /// <summary>Read at this store revision (0 = now); too old answers <see cref="KvStatusCode.Compacted"/>.</summary>
    [Id(6)] public long Revision { get; init; }
    /// <summary>Any replica may answer from its own state, without confirming it is current (etcd's serializable read).</summary>
    [Id(7)] public bool Serializable { get; init; }

    /// <summary>One key.</summary>
    public static RangeRequest Single(string key) => new() { Key = key };
    /// <summary>Every key starting with <paramref name="prefix"/>.</summary>
    public static RangeRequest WithPrefix(string prefix) => new() { Key = prefix, Prefix = true };
    /// <summary>The keys from <paramref name="from"/> (inclusive) to <paramref name="to"/> (exclusive; null = no end).</summary>
    public static RangeRequest Between(string from, string? to) => new() { Key = from, RangeEnd = to ?? ToEnd };

    /// <summary>
    /// The exclusive end of the keys starting with <paramref name="prefix"/> in UTF-8 byte order (code point order):
    /// the prefix with its last code point raised by one, after dropping trailing U+10FFFF (which cannot be raised);
    /// <see cref="ToEnd"/> when nothing is left (every key). etcd computes the same on bytes.
    /// </summary>
    public static string PrefixEnd(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var end = prefix.Length;
        while (end > 0)
        {
            var width = end >= 2 && char.IsSurrogatePair(prefix[end - 2], prefix[end - 1]) ? 2 : 1;
            var codePoint = width == 2 ? char.ConvertToUtf32(prefix[end - 2], prefix[end - 1]) : prefix[end - 1];
            if (codePoint == 0x10FFFF)
            {
                end -= width;
                continue;
            }
            var next = codePoint + 1 == 0xD800 ? 0xE000 : codePoint + 1; // surrogates are not code points of their own
            return string.Concat(prefix.AsSpan(0, end - width), char.ConvertFromUtf32(next));
        }
        return ToEnd;
    }
}
