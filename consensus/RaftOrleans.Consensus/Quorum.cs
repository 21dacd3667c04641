namespace RaftOrleans.Consensus;

/// <summary>Outcome of counting votes in an election or pre-election.</summary>
public enum VoteResult
{
    /// <summary>Not decided yet: neither side can be sure of a majority.</summary>
    Pending,
    /// <summary>A majority granted.</summary>
    Won,
    /// <summary>A majority rejected, so the election cannot be won any more.</summary>
    Lost,
}

/// <summary>
/// Majority-quorum arithmetic as small pure functions (paper §5.2–5.4), kept apart from the node so each
/// rule can be tested on its own.
/// </summary>
public static class Quorum
{
    /// <summary>Smallest number of voters that forms a majority of <paramref name="voters"/>.</summary>
    public static int Majority(int voters)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(voters);
        return voters / 2 + 1;
    }

    /// <summary>
    /// The highest log index that a majority of voters has replicated, given each voter's match index.
    /// Sorting descending, the value at position <c>majority - 1</c> is held by at least a majority.
    /// </summary>
    public static long CommittedIndex(IReadOnlyCollection<long> matchIndexes)
    {
        ArgumentNullException.ThrowIfNull(matchIndexes);
        var sorted = matchIndexes.OrderByDescending(i => i).ToArray();
        return sorted[Majority(sorted.Length) - 1];
    }

    /// <summary>Decides an election from the number of grants and rejections received so far.</summary>
    public static VoteResult Tally(int voters, int granted, int rejected)
    {
        var majority = Majority(voters);
        if (granted >= majority) return VoteResult.Won;
        // Lost as soon as the voters that have not rejected can no longer form a majority.
        if (voters - rejected < majority) return VoteResult.Lost;
        return VoteResult.Pending;
    }

    /// <summary>True when <paramref name="active"/> voters (the leader included) form a majority.</summary>
    public static bool HasQuorum(int voters, int active) => active >= Majority(voters);
}
