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

    [Theory]
    [InlineData((64 << 10) + 1, 1 << 20, "MaxKeyBytes must be at most 65536 (the limit every replica applies), was 65537.")]
    [InlineData(1024, (8 << 20) + 1, "MaxValueBytes must be at most 8388608 (the limit every replica applies), was 8388609.")]
    public void Size_limits_above_what_every_replica_applies_are_rejected(int keyBytes, int valueBytes, string expected)
    {
        Assert.Equal(expected, RaftKeyValueOptionsValidator.Validate(new RaftKeyValueOptions { MaxKeyBytes = keyBytes, MaxValueBytes = valueBytes }));
    }

    [Fact]
    public void Size_limits_up_to_the_ceiling_are_allowed_and_the_defaults_are_the_admission_defaults()
    {
        Assert.Null(RaftKeyValueOptionsValidator.Validate(new RaftKeyValueOptions { MaxKeyBytes = 64 << 10, MaxValueBytes = 8 << 20 }));
        var o = new RaftKeyValueOptions();
        Assert.Equal((KeyValue.KvLimits.Default.MaxKeyBytes, KeyValue.KvLimits.Default.MaxValueBytes), (o.MaxKeyBytes, o.MaxValueBytes));
    }
}
