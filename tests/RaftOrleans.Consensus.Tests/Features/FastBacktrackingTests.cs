using RaftOrleans.Consensus;
using RaftOrleans.Consensus.Tests.Scenarios;
using RaftOrleans.Consensus.Tests.Support;
using Xunit;
using static RaftOrleans.Consensus.Tests.Support.Cluster;

namespace RaftOrleans.Consensus.Tests.Features;

/// <summary>
/// Conflict hints let the leader skip a whole term per round trip (paper §5.3, last paragraphs; etcd's
/// findConflictByTerm) instead of backing up one entry per rejection.
/// </summary>
public sealed class FastBacktrackingTests
{
    private static long[] Terms(params (long Term, int Count)[] runs) =>
        runs.SelectMany(r => Enumerable.Repeat(r.Term, r.Count)).ToArray();

    /// <summary>Each row would take 20 to 100 rejections when backing up one entry at a time.</summary>
    [Theory]
    // Follower has 100 entries of a term the leader never saw after the common prefix: one rejection.
    [InlineData(new long[] { 1, 10, 3, 40 }, new long[] { 1, 10, 2, 100 }, 1)]
    // Follower is simply short: one rejection, straight to its last index.
    [InlineData(new long[] { 1, 10, 3, 40 }, new long[] { 1, 5 }, 1)]
    // Two divergent terms on the follower, each a long run: still one rejection (the hint skips both).
    [InlineData(new long[] { 1, 10, 4, 40 }, new long[] { 1, 10, 2, 30, 3, 30 }, 1)]
    // The follower's hint term (4) is absent from the leader's log, and the leader's term 3 is absent from
    // the follower's: the first hint lands on the leader's term-3 run, the second skips it.
    [InlineData(new long[] { 1, 10, 3, 20, 5, 20 }, new long[] { 1, 10, 2, 20, 4, 30 }, 2)]
    public void LeaderFindsTheMatchPointInAFewRoundTrips(long[] leaderRuns, long[] followerRuns, int expectedRejections)
    {
        var leaderLog = Terms(Pairs(leaderRuns));
        var followerLog = Terms(Pairs(followerRuns));
        var leader = Replica(Config(1, 3, preVote: false), leaderLog[^1], leaderLog);
        var follower = Replica(Config(2, 3, preVote: false), followerLog[^1], followerLog);
        TickUntilCampaign(leader);
        leader.Step(VoteResponse(3, 1, leader.Node.Term));
        var net = new Network([leader, follower]);

        net.DeliverAll();

        var rejections = net.Delivered.Count(m => m.Type == MessageType.AppendResponse && m.Reject);
        Assert.Equal(expectedRejections, rejections);
        Assert.Equal(leader.LogTerms(), follower.LogTerms());
    }

    private static (long, int)[] Pairs(long[] flat) =>
        Enumerable.Range(0, flat.Length / 2).Select(i => (flat[2 * i], (int)flat[2 * i + 1])).ToArray();
}
