using RaftOrleans.Consensus;
using Xunit;

namespace RaftOrleans.Consensus.Tests.Features;

/// <summary>The pure quorum functions.</summary>
public sealed class QuorumTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 2)]
    [InlineData(4, 3)]
    [InlineData(5, 3)]
    [InlineData(7, 4)]
    public void MajorityIsMoreThanHalf(int voters, int majority) => Assert.Equal(majority, Quorum.Majority(voters));

    [Fact]
    public void MajorityOfNoVotersIsAnError() => Assert.Throws<ArgumentOutOfRangeException>(() => Quorum.Majority(0));

    [Theory]
    [InlineData(new long[] { 5 }, 5)]
    [InlineData(new long[] { 5, 3 }, 3)]
    [InlineData(new long[] { 5, 3, 1 }, 3)]
    [InlineData(new long[] { 1, 5, 3 }, 3)]
    [InlineData(new long[] { 9, 9, 2, 1, 0 }, 2)]
    [InlineData(new long[] { 9, 9, 9, 1, 0 }, 9)]
    [InlineData(new long[] { 4, 4, 4, 4 }, 4)]
    [InlineData(new long[] { 8, 7, 1, 0 }, 1)]
    public void CommittedIndexIsHeldByAMajority(long[] matches, long expected) =>
        Assert.Equal(expected, Quorum.CommittedIndex(matches));

    [Theory]
    [InlineData(3, 2, 0, VoteResult.Won)]
    [InlineData(3, 1, 1, VoteResult.Pending)]
    [InlineData(3, 1, 2, VoteResult.Lost)]
    [InlineData(4, 2, 1, VoteResult.Pending)]
    [InlineData(4, 2, 2, VoteResult.Lost)]
    [InlineData(5, 3, 2, VoteResult.Won)]
    [InlineData(5, 1, 3, VoteResult.Lost)]
    [InlineData(1, 1, 0, VoteResult.Won)]
    public void TallyDecidesAsSoonAsTheOutcomeIsCertain(int voters, int granted, int rejected, VoteResult expected) =>
        Assert.Equal(expected, Quorum.Tally(voters, granted, rejected));

    [Theory]
    [InlineData(3, 1, false)]
    [InlineData(3, 2, true)]
    [InlineData(5, 2, false)]
    [InlineData(5, 3, true)]
    public void HasQuorumNeedsAMajority(int voters, int active, bool expected) =>
        Assert.Equal(expected, Quorum.HasQuorum(voters, active));
}
