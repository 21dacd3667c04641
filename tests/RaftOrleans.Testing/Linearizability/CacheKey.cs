namespace RaftOrleans.Testing.Linearizability;

/// <summary>
/// A memoised search configuration: which operations are linearized and the register state.
/// Two paths reaching the same configuration have the same future, so the second is pruned
/// (Lowe, "Testing for linearizability", 2017).
/// </summary>
internal readonly struct CacheKey(ulong[] bits, int state, ulong hash) : IEquatable<CacheKey>
{
    private readonly ulong[] _bits = bits;
    private readonly int _state = state;
    private readonly ulong _hash = hash;

    public bool Equals(CacheKey other) =>
        _hash == other._hash && _state == other._state && _bits.AsSpan().SequenceEqual(other._bits);

    public override bool Equals(object? obj) => obj is CacheKey other && Equals(other);

    public override int GetHashCode() => (int)(_hash ^ (_hash >> 32));
}
