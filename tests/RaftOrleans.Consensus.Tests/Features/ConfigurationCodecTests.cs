using RaftOrleans.Consensus;
using Xunit;

namespace RaftOrleans.Consensus.Tests.Features;

/// <summary>The configuration entry's two layouts: version 2 round-trips every member field, and version 1 (the
/// voters-only entries in data directories written before membership changes) still reads (the upgrade path).</summary>
public sealed class ConfigurationCodecTests
{
    [Fact]
    public void Version_2_round_trips_voters_learners_incarnations_and_locations()
    {
        var configuration = new GroupConfiguration([new(3, -7, true, "silo3"), new(1, long.MaxValue, true, "höst-1"), new(9, 0, false, "")]);
        var decoded = ConfigurationCodec.DecodeConfiguration(ConfigurationCodec.Encode(configuration));
        Assert.Equal(configuration, decoded);
        Assert.Equal([1, 3], decoded.Voters);
        Assert.Equal([9], decoded.Learners);
        Assert.Equal("höst-1", decoded.Find(1)!.Location);
    }

    [Fact]
    public void Version_1_entries_read_as_voters_without_locations()
    {
        var bytes = ConfigurationCodec.EncodeVersion1([1, 2, 3], [11, 22, 33]);
        Assert.Equal(GroupConfiguration.OfVoters([1, 2, 3], [11, 22, 33]), ConfigurationCodec.DecodeConfiguration(bytes));
        var (voters, incarnations) = ConfigurationCodec.Decode(bytes);
        Assert.Equal([1, 2, 3], voters);
        Assert.Equal([11L, 22, 33], incarnations);
    }

    [Theory]
    [InlineData(new byte[] { 0xFE, 0xFF, 0xFF, 0xFF })]                              // marker without a count
    [InlineData(new byte[] { 0xFD, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0 })]                   // unknown version marker
    [InlineData(new byte[] { 0xFE, 0xFF, 0xFF, 0xFF, 1, 0, 0, 0, 1, 0, 0, 0 })]       // member cut short
    [InlineData(new byte[] { 0xFE, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0, 42 })]               // trailing byte
    public void Malformed_entries_are_refused(byte[] data)
        => Assert.Throws<InvalidDataException>(() => ConfigurationCodec.DecodeConfiguration(data));

    [Fact]
    public void A_member_listed_twice_or_unknown_flags_are_refused()
    {
        var twice = ConfigurationCodec.EncodeVersion1([2, 2], [1, 1]);
        Assert.Throws<InvalidDataException>(() => ConfigurationCodec.DecodeConfiguration(twice));
        var flagged = ConfigurationCodec.Encode(new GroupConfiguration([new(1, 5, true)]));
        flagged[8 + 12] = 7;
        Assert.Throws<InvalidDataException>(() => ConfigurationCodec.DecodeConfiguration(flagged));
    }
}
