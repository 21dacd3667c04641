using RaftOrleans.Bench.Load;
using Xunit;

namespace RaftOrleans.Bench.Tests;

public sealed class KeySpaceTests
{
    [Fact]
    public void Keys_have_the_requested_size_and_are_distinct()
    {
        var space = new KeySpace(1000, 16, 100);
        var keys = Enumerable.Range(0, space.Count).Select(space.Key).ToList();
        Assert.All(keys, k => Assert.Equal(16, k.Length));
        Assert.Equal(1000, keys.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal("k000000000000999", space.Key(999));
    }

    [Fact]
    public void Value_has_the_requested_size()
        => Assert.Equal(100, new KeySpace(10, 16, 100).Value.Length);

    [Fact]
    public void Distinct_values_keep_the_size_and_differ_per_counter()
    {
        var space = new KeySpace(10, 16, 100);
        var a = space.DistinctValue(1);
        var b = space.DistinctValue(2);
        Assert.Equal(100, a.Length);
        Assert.Equal(100, b.Length);
        Assert.NotEqual(a, b);
        Assert.EndsWith("000000000002", b, StringComparison.Ordinal);
    }

    [Fact]
    public void Distinct_values_shorter_than_the_counter_keep_the_size()
    {
        var space = new KeySpace(10, 16, 4);
        Assert.Equal("0007", space.DistinctValue(7));
    }

    [Theory]
    [InlineData(1, 2)]
    [InlineData(10, 2)]
    [InlineData(11, 3)]
    [InlineData(1000, 4)]
    public void Minimum_key_size_fits_the_largest_index(int count, int expected)
        => Assert.Equal(expected, KeySpace.MinimumKeySize(count));

    [Fact]
    public void A_key_size_too_small_for_the_count_is_rejected()
        => Assert.Throws<ArgumentOutOfRangeException>(() => new KeySpace(1000, 3, 10));
}
