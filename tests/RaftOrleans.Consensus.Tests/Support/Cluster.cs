using RaftOrleans.Consensus;

namespace RaftOrleans.Consensus.Tests.Support;

/// <summary>Builders for configurations, logs and messages used across the tests.</summary>
internal static class Cluster
{
    /// <summary>Ids 1..n.</summary>
    public static int[] Ids(int n) => Enumerable.Range(1, n).ToArray();

    /// <summary>A configuration for replica <paramref name="id"/> in a group of <paramref name="size"/>.</summary>
    public static RaftConfig Config(int id, int size, bool preVote = true, bool checkQuorum = true) => new()
    {
        Id = id,
        Peers = Ids(size),
        ElectionTicks = 10,
        HeartbeatTicks = 1,
        PreVote = preVote,
        CheckQuorum = checkQuorum,
    };

    /// <summary>Entries 1..n with the given terms and empty commands.</summary>
    public static Entry[] Log(params long[] terms) =>
        terms.Select((t, i) => new Entry(t, i + 1, EntryType.Normal, [])).ToArray();

    /// <summary>A storage holding a log with the given terms, current term <paramref name="term"/>, no vote.</summary>
    public static MemoryRaftLogStorage Storage(long term, params long[] logTerms) =>
        new(new HardState(term, RaftNode.None, 0), Log(logTerms));

    /// <summary>A replica with preset log and term.</summary>
    public static Replica Replica(RaftConfig config, long term, params long[] logTerms) =>
        new(config, Storage(term, logTerms));

    public static Message Append(int from, int to, long term, long prevIndex, long prevTerm, long commit, params Entry[] entries) =>
        new() { Type = MessageType.Append, From = from, To = to, Term = term, Index = prevIndex, LogTerm = prevTerm, Commit = commit, Entries = entries };

    public static Message Heartbeat(int from, int to, long term, long commit = 0, long context = 0) =>
        new() { Type = MessageType.Heartbeat, From = from, To = to, Term = term, Commit = commit, Context = context };

    public static Message Vote(int from, int to, long term, long lastIndex, long lastTerm, bool transfer = false) =>
        new() { Type = MessageType.Vote, From = from, To = to, Term = term, Index = lastIndex, LogTerm = lastTerm, LeaderTransfer = transfer };

    public static Message PreVote(int from, int to, long term, long lastIndex, long lastTerm) =>
        new() { Type = MessageType.PreVote, From = from, To = to, Term = term, Index = lastIndex, LogTerm = lastTerm };

    public static Message VoteResponse(int from, int to, long term, bool reject = false) =>
        new() { Type = MessageType.VoteResponse, From = from, To = to, Term = term, Reject = reject };

    public static Message AppendResponse(int from, int to, long term, long index) =>
        new() { Type = MessageType.AppendResponse, From = from, To = to, Term = term, Index = index };

    public static Message HeartbeatResponse(int from, int to, long term, long context = 0) =>
        new() { Type = MessageType.HeartbeatResponse, From = from, To = to, Term = term, Context = context };

    /// <summary>Ticks a follower until its election timeout fires (at most 2·ElectionTicks).</summary>
    public static void TickUntilCampaign(Replica r)
    {
        for (var i = 0; i < 2 * r.Config.ElectionTicks && r.Node.Role == StateRole.Follower; i++) r.Node.Tick();
        if (r.Node.Role == StateRole.Follower) throw new InvalidOperationException($"{r} did not campaign.");
    }

    /// <summary>Makes <paramref name="r"/> leader by a real election (PreVote off in its config is not
    /// required): ticks until it campaigns, then feeds grants from every other voter.</summary>
    public static void ElectLeader(Replica r)
    {
        var peers = r.Config.Peers.Where(p => p != r.Id).ToArray();
        TickUntilCampaign(r);
        if (r.Node.Role == StateRole.PreCandidate)
        {
            var preTerm = r.Node.Term + 1;
            foreach (var p in peers)
                r.Node.Step(new Message { Type = MessageType.PreVoteResponse, From = p, To = r.Id, Term = preTerm });
        }
        foreach (var p in peers)
        {
            if (r.Node.Role != StateRole.Candidate) break;
            r.Node.Step(VoteResponse(p, r.Id, r.Node.Term));
        }
        if (r.Node.Role != StateRole.Leader) throw new InvalidOperationException($"Could not elect {r}.");
    }

    /// <summary>Messages of one type to one replica.</summary>
    public static List<Message> To(this IEnumerable<Message> messages, int to, MessageType type) =>
        messages.Where(m => m.To == to && m.Type == type).ToList();

    /// <summary>Messages of one type.</summary>
    public static List<Message> OfType(this IEnumerable<Message> messages, MessageType type) =>
        messages.Where(m => m.Type == type).ToList();
}
