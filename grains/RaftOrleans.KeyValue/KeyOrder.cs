namespace RaftOrleans.KeyValue;

/// <summary>
/// The order of keys in the keyspace: the byte order of their UTF-8 forms, which is etcd's order and the
/// order of Unicode code points. Ordinal UTF-16 order differs from it: a surrogate pair (U+10000 and up)
/// sorts before U+E000..U+FFFF in UTF-16 but after them in UTF-8. Keys never hold a lone surrogate
/// (<see cref="KvLimits.ValidateKey"/>), so comparing code units after moving the surrogates above
/// U+E000..U+FFFF gives exactly the code-point order, without encoding anything.
/// </summary>
public sealed class KeyOrder : IComparer<string>
{
    /// <summary>The one instance.</summary>
    public static KeyOrder Instance { get; } = new();

    private KeyOrder() { }

    /// <inheritdoc />
    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y)) return 0;
        if (x is null) return -1;
        if (y is null) return 1;
        int length = Math.Min(x.Length, y.Length);
        for (int i = 0; i < length; i++)
        {
            char a = x[i], b = y[i];
            if (a == b) continue;
            return Rank(a) - Rank(b);
        }
        return x.Length - y.Length;
    }

    /// <summary>True when <paramref name="x"/> sorts before <paramref name="y"/>.</summary>
    public static bool Less(string x, string y) => Instance.Compare(x, y) < 0;

    // Surrogates (D800-DFFF) move to F800-FFFF, E000-FFFF move down to D800-F7FF; the rest stay.
    private static int Rank(char c) => c >= 0xD800 ? (c >= 0xE000 ? c - 0x800 : c + 0x2000) : c;
}
