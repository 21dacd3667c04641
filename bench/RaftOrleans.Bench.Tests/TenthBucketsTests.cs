using RaftOrleans.Bench.Soak;
using Xunit;

namespace RaftOrleans.Bench.Tests;

public sealed class TenthBucketsTests
{
    [Fact]
    public void An_even_run_splits_into_equal_tenths_ending_at_each_hundredth_ordinal()
    {
        var parts = new TenthBuckets(1000, 10);
        Assert.Equal(0, parts.Of(1));
        Assert.Equal(0, parts.Of(100));
        Assert.Equal(1, parts.Of(101));
        Assert.Equal(9, parts.Of(1000));
        Assert.Equal(-1, parts.Of(1001));
        Assert.Equal([100L, 200, 300, 400, 500, 600, 700, 800, 900, 1000], Enumerable.Range(0, 10).Select(parts.LastOrdinal));
        Assert.All(Enumerable.Range(0, 10), p => Assert.Equal(100, parts.Size(p)));
    }

    [Fact]
    public void An_uneven_run_has_parts_within_one_of_each_other_that_cover_every_ordinal_once()
    {
        var parts = new TenthBuckets(1003, 10);
        var counts = new int[10];
        var ends = new List<long>();
        for (long n = 1; n <= 1003; n++)
        {
            counts[parts.Of(n)]++;
            if (parts.EndsPart(n)) ends.Add(n);
        }
        Assert.Equal(Enumerable.Range(0, 10).Select(p => (int)parts.Size(p)), counts);
        Assert.Equal(1003, counts.Sum());
        Assert.True(counts.Max() - counts.Min() <= 1, string.Join(",", counts));
        Assert.Equal(Enumerable.Range(0, 10).Select(parts.LastOrdinal), ends);
        Assert.Equal(1003, ends[^1]);
        // Each part's last ordinal is in that part, the next one in the next part.
        Assert.All(Enumerable.Range(0, 9), p =>
        {
            Assert.Equal(p, parts.Of(parts.LastOrdinal(p)));
            Assert.Equal(p + 1, parts.Of(parts.LastOrdinal(p) + 1));
        });
    }

    [Fact]
    public void A_run_of_exactly_as_many_puts_as_parts_has_one_put_per_part()
    {
        var parts = new TenthBuckets(10, 10);
        Assert.Equal(Enumerable.Range(0, 10), Enumerable.Range(1, 10).Select(n => parts.Of(n)));
        Assert.All(Enumerable.Range(1, 10), n => Assert.True(parts.EndsPart(n)));
    }

    [Fact]
    public void Fewer_puts_than_parts_are_refused()
        => Assert.Throws<ArgumentOutOfRangeException>(() => new TenthBuckets(9, 10));
}
