using RaftOrleans.Grains.Hosting;
using Xunit;

namespace RaftOrleans.Grains.Tests;

/// <summary>The snapshot and compaction settings and their validation.</summary>
public sealed class SnapshotOptionsTests
{
    [Fact]
    public void Defaults_snapshot_every_10000_entries_keep_5000_and_bound_rows_at_1_MiB()
    {
        var o = new RaftKeyValueOptions();
        Assert.Equal((10_000, 5_000, 1 << 20), (o.SnapshotEveryEntries, o.TrailingEntries, o.SnapshotPartBytes));
        Assert.Null(RaftKeyValueOptionsValidator.Validate(o));
    }

    [Theory]
    [InlineData(0, 5_000, 1 << 20, "SnapshotEveryEntries must be positive.")]
    [InlineData(10, -1, 1 << 20, "TrailingEntries must not be negative, was -1.")]
    [InlineData(10, 0, 1023, "SnapshotPartBytes must be between 1 KiB and 4 MiB, was 1023.")]
    [InlineData(10, 0, (4 << 20) + 1, "SnapshotPartBytes must be between 1 KiB and 4 MiB, was 4194305.")]
    public void Invalid_snapshot_settings_are_rejected_by_name(int every, int trailing, int partBytes, string expected)
    {
        var o = new RaftKeyValueOptions { SnapshotEveryEntries = every, TrailingEntries = trailing, SnapshotPartBytes = partBytes };
        Assert.Equal(expected, RaftKeyValueOptionsValidator.Validate(o));
    }

    [Fact]
    public void No_trailing_entries_and_the_largest_rows_are_allowed()
    {
        Assert.Null(RaftKeyValueOptionsValidator.Validate(new RaftKeyValueOptions { TrailingEntries = 0, SnapshotPartBytes = 4 << 20, SnapshotEveryEntries = 1 }));
    }
}
