using RaftOrleans.Bench.Results;
using Xunit;

namespace RaftOrleans.Bench.Tests;

public sealed class StatisticsTests
{
    [Fact]
    public void Median_of_an_odd_count_is_the_middle_value()
        => Assert.Equal(1200.0, Statistics.Median([1500.0, 900.0, 1200.0]));

    [Fact]
    public void Median_of_an_even_count_is_the_mean_of_the_two_middle_values()
        => Assert.Equal(1050.0, Statistics.Median([1500.0, 900.0, 1200.0, 100.0]));

    [Fact]
    public void Median_of_no_samples_is_null()
        => Assert.Null(Statistics.Median([]));
}
