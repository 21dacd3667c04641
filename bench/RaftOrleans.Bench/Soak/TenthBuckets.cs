namespace RaftOrleans.Bench.Soak;

/// <summary>
/// Splits a run of <see cref="Total"/> served operations into <see cref="Count"/> consecutive parts
/// ("tenths" by default) by completion order: the operation completed n-th (1-based ordinal) falls in
/// part <c>(n - 1) * Count / Total</c>. Parts differ in size by at most one operation when
/// <see cref="Total"/> is not a multiple of <see cref="Count"/>; none is empty while Total ≥ Count.
/// </summary>
public sealed class TenthBuckets
{
    /// <summary>Splits <paramref name="total"/> operations into <paramref name="count"/> parts.</summary>
    public TenthBuckets(long total, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(total, count);
        Total = total;
        Count = count;
    }

    /// <summary>Operations in the whole run.</summary>
    public long Total { get; }

    /// <summary>Number of parts.</summary>
    public int Count { get; }

    /// <summary>The part of the operation completed <paramref name="ordinal"/>-th (1-based); -1 past the end.</summary>
    public int Of(long ordinal)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ordinal, 1);
        return ordinal > Total ? -1 : (int)((ordinal - 1) * Count / Total);
    }

    /// <summary>The ordinal of the last operation of <paramref name="part"/>: the one whose completion ends it.</summary>
    public long LastOrdinal(int part)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(part);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(part, Count);
        // The largest n with (n - 1) * Count / Total == part, i.e. ceil((part + 1) * Total / Count).
        return ((part + 1) * Total + Count - 1) / Count;
    }

    /// <summary>True when the operation completed <paramref name="ordinal"/>-th ends its part.</summary>
    public bool EndsPart(long ordinal) => ordinal >= 1 && ordinal <= Total && LastOrdinal(Of(ordinal)) == ordinal;

    /// <summary>Operations in <paramref name="part"/>.</summary>
    public long Size(int part) => LastOrdinal(part) - (part == 0 ? 0 : LastOrdinal(part - 1));
}
