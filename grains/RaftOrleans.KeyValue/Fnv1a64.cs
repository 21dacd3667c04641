namespace RaftOrleans.KeyValue;

/// <summary>64-bit FNV-1a: a small, stable, platform-independent hash. Not cryptographic; it only
/// has to make accidental equality of different replica states vanishingly unlikely.</summary>
internal static class Fnv1a64
{
    private const ulong OffsetBasis = 14695981039346656037UL;
    private const ulong Prime = 1099511628211UL;

    public static ulong Hash(ReadOnlySpan<byte> data)
    {
        ulong hash = OffsetBasis;
        foreach (byte b in data)
        {
            hash ^= b;
            hash *= Prime;
        }
        return hash;
    }
}
