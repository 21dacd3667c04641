using RaftOrleans.Consensus;
using RaftOrleans.Consensus.Tests.Support;
using Xunit;
using static RaftOrleans.Consensus.Tests.Support.Cluster;

namespace RaftOrleans.Consensus.Tests.Paper;

/// <summary>Paper §5.2: leader election.</summary>
public sealed class LeaderElectionTests
{
    /// <summary>§5.2: "If a follower receives no communication over a period of time called the election
    /// timeout, then it ... begins an election": increments its term, becomes candidate, votes for itself and
    /// sends RequestVote with its last log index and term to every other server.</summary>
    [Fact]
    public void FollowerStartsElectionOnTimeout()
    {
        var r = Replica(Config(1, 3, preVote: false), 2, 1, 2);

        TickUntilCampaign(r);

        Assert.Equal(StateRole.Candidate, r.Node.Role);
        Assert.Equal(3, r.Node.Term);
        var requests = r.Drain().OfType(MessageType.Vote);
        Assert.Equal([2, 3], requests.Select(m => m.To).Order());
        Assert.All(requests, m => Assert.Equal((3L, 2L, 2L), (m.Term, m.Index, m.LogTerm)));
    }

    /// <summary>§5.2 + thesis §9.6: with PreVote the timeout first starts a pre-election that asks for
    /// term + 1 without bumping the term or casting a vote.</summary>
    [Fact]
    public void FollowerWithPreVoteStartsPreElectionOnTimeout()
    {
        var r = Replica(Config(1, 3, preVote: true), 2, 1, 2);

        TickUntilCampaign(r);

        Assert.Equal(StateRole.PreCandidate, r.Node.Role);
        Assert.Equal(2, r.Node.Term);
        Assert.Equal(RaftNode.None, r.Node.Status().Vote);
        var requests = r.Drain().OfType(MessageType.PreVote);
        Assert.Equal([2, 3], requests.Select(m => m.To).Order());
        Assert.All(requests, m => Assert.Equal(3, m.Term));
    }

    /// <summary>§5.2: "each server waits for an election timeout before starting an election"; a follower that
    /// hears from the leader resets the timer and never campaigns.</summary>
    [Fact]
    public void FollowerHearingHeartbeatsDoesNotCampaign()
    {
        var r = Replica(Config(1, 3), 1);
        for (var i = 0; i < 10 * r.Config.ElectionTicks; i++)
        {
            r.Tick();
            r.Step(Heartbeat(2, 1, 1));
        }
        Assert.Equal(StateRole.Follower, r.Node.Role);
        Assert.Equal(1, r.Node.Term);
    }

    /// <summary>§5.2: "It then votes for itself": the self-vote is in the hard state of the very Ready that
    /// carries the vote requests, so it is persisted before they are sent.</summary>
    [Fact]
    public void CandidateVotesForItself()
    {
        var r = new Replica(Config(1, 3, preVote: false));
        TickUntilCampaign(r);

        var ready = r.Node.GetReady();

        Assert.Equal(new HardState(1, 1, 0), ready.HardState);
        Assert.Equal(2, ready.Messages.Count(m => m.Type == MessageType.Vote));
        r.Node.Advance(ready);
    }

    /// <summary>§5.2: "Each server will vote for at most one candidate in a given term, on a first-come-first-
    /// served basis." A repeated request from the same candidate is granted again (idempotent).</summary>
    [Fact]
    public void VoterGrantsAtMostOneVotePerTerm()
    {
        var r = new Replica(Config(1, 3));

        r.Step(Vote(2, 1, 1, 0, 0));
        r.Step(Vote(3, 1, 1, 0, 0));
        r.Step(Vote(2, 1, 1, 0, 0));

        var replies = r.Drain();
        Assert.Equal([(2, false), (3, true), (2, false)], replies.Select(m => (m.To, m.Reject)));
        Assert.Equal(2, r.Node.Status().Vote);
    }

    /// <summary>§5.2: a candidate wins with votes from a majority and loses (returns to follower) once a
    /// majority rejected; otherwise it keeps waiting. Rows: group size, grants, rejections (self excluded).</summary>
    [Theory]
    [InlineData(1, 0, 0, StateRole.Leader)]
    [InlineData(3, 1, 0, StateRole.Leader)]
    [InlineData(3, 0, 1, StateRole.Candidate)]
    [InlineData(3, 0, 2, StateRole.Follower)]
    [InlineData(5, 1, 0, StateRole.Candidate)]
    [InlineData(5, 2, 0, StateRole.Leader)]
    [InlineData(5, 1, 2, StateRole.Candidate)]
    [InlineData(5, 0, 3, StateRole.Follower)]
    public void CandidateWinsOnlyWithMajority(int size, int grants, int rejections, StateRole expected)
    {
        var r = new Replica(Config(1, size, preVote: false));
        TickUntilCampaign(r);
        var voter = 2;
        for (var i = 0; i < grants; i++) r.Step(VoteResponse(voter++, 1, 1));
        for (var i = 0; i < rejections; i++) r.Step(VoteResponse(voter++, 1, 1, reject: true));

        Assert.Equal(expected, r.Node.Role);
        Assert.Equal(1, r.Node.Term);
    }

    /// <summary>§5.2: "If the AppendEntries RPC is from another server claiming to be leader and its term is
    /// at least as large as the candidate's current term, then the candidate ... returns to follower state."</summary>
    [Theory]
    [InlineData(StateRole.PreCandidate)]
    [InlineData(StateRole.Candidate)]
    public void CandidateFallsBackToFollowerOnLeaderAppend(StateRole role)
    {
        var r = new Replica(Config(1, 3, preVote: role == StateRole.PreCandidate));
        TermRulesTests.BringTo(r, role);
        var term = r.Node.Term;

        r.Step(Append(2, 1, term, 0, 0, 0));

        Assert.Equal(StateRole.Follower, r.Node.Role);
        Assert.Equal(2, r.Node.Leader);
        Assert.Equal(term, r.Node.Term);
        var reply = Assert.Single(r.Drain());
        Assert.Equal((MessageType.AppendResponse, false), (reply.Type, reply.Reject));
    }

    /// <summary>§5.2: "Raft uses randomized election timeouts ... chosen randomly from a fixed interval" —
    /// here [ElectionTicks, 2·ElectionTicks) — so that split votes are rare.</summary>
    [Fact]
    public void RandomizedElectionTimeoutsDiffer()
    {
        var seen = new HashSet<int>();
        for (var seed = 1; seed <= 50; seed++)
        {
            var config = Config(1, 3);
            var node = new RaftNode(config, new MemoryRaftLogStorage(), new Random(seed));
            var timeout = node.RandomizedElectionTimeout;
            Assert.InRange(timeout, config.ElectionTicks, 2 * config.ElectionTicks - 1);
            seen.Add(timeout);
        }
        Assert.True(seen.Count >= 5, $"only {seen.Count} distinct timeouts over 50 seeds");
    }

    /// <summary>§5.2: a follower times out after exactly its randomized timeout, not before.</summary>
    [Fact]
    public void FollowerCampaignsExactlyAtItsRandomizedTimeout()
    {
        var r = new Replica(Config(1, 3, preVote: false));
        var timeout = r.Node.RandomizedElectionTimeout;

        r.Tick(timeout - 1);
        Assert.Equal(StateRole.Follower, r.Node.Role);
        r.Tick();
        Assert.Equal(StateRole.Candidate, r.Node.Role);
    }

    /// <summary>§5.4.1 election restriction: "the voter denies its vote if its own log is more up-to-date than
    /// that of the candidate": later last term wins; same last term, the longer log wins. The voter's log
    /// here ends at (index 3, term 2).</summary>
    [Theory]
    [InlineData(3, 2, true)]
    [InlineData(4, 2, true)]
    [InlineData(2, 2, false)]
    [InlineData(1, 3, true)]
    [InlineData(5, 1, false)]
    [InlineData(0, 0, false)]
    public void ElectionRestriction_VoteOnlyForLogAtLeastAsUpToDate(long lastIndex, long lastTerm, bool granted)
    {
        var r = Replica(Config(1, 3), 2, 1, 2, 2);

        r.Step(Vote(2, 1, 3, lastIndex, lastTerm));

        var reply = Assert.Single(r.Drain());
        Assert.Equal(!granted, reply.Reject);
        Assert.Equal(granted ? 2 : RaftNode.None, r.Node.Status().Vote);
    }
}
