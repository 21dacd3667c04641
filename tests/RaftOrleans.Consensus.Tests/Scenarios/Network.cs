using System.Text;
using RaftOrleans.Consensus;
using RaftOrleans.Consensus.Tests.Support;

namespace RaftOrleans.Consensus.Tests.Scenarios;

/// <summary>
/// An in-memory network of replicas for scenario tests. Messages are queued in send order and delivered
/// one at a time; links can be cut, replicas isolated or crashed, a seeded share of messages dropped, and
/// messages matching a predicate held back and released later. After every delivery and tick it records
/// which replicas claim leadership in which term, so tests can assert election safety over a whole run.
/// </summary>
internal sealed class Network
{
    private readonly Dictionary<int, Replica> replicas = [];
    private readonly Queue<Message> inFlight = new();
    private readonly HashSet<(int From, int To)> cuts = [];
    private readonly HashSet<int> crashed = [];
    private readonly List<Func<Message, bool>> holds = [];
    private readonly List<Message> held = [];
    private readonly Random random;

    public Network(int size, Func<RaftConfig, RaftConfig>? configure = null, int seed = 1)
        : this(Cluster.Ids(size).Select(id =>
        {
            var config = Cluster.Config(id, size);
            return new Replica(configure is null ? config : configure(config), seed: seed * 1000 + id);
        }), seed)
    {
    }

    public Network(IEnumerable<Replica> members, int seed = 1)
    {
        foreach (var r in members) replicas.Add(r.Id, r);
        random = new Random(seed);
    }

    public Replica this[int id] => replicas[id];

    public IEnumerable<Replica> Replicas => replicas.Values;

    /// <summary>Share of messages silently lost, decided by the seeded random.</summary>
    public double DropRate { get; set; }

    /// <summary>Every message delivered, in order.</summary>
    public List<Message> Delivered { get; } = [];

    /// <summary>Leaders observed per term over the whole run.</summary>
    public Dictionary<long, HashSet<int>> LeadersByTerm { get; } = [];

    /// <summary>Cuts the link between <paramref name="a"/> and <paramref name="b"/> in both directions.</summary>
    public void Cut(int a, int b)
    {
        cuts.Add((a, b));
        cuts.Add((b, a));
    }

    /// <summary>Cuts every link of <paramref name="id"/>.</summary>
    public void Isolate(int id)
    {
        foreach (var other in replicas.Keys.Where(k => k != id)) Cut(id, other);
    }

    /// <summary>Heals every cut and stops dropping; held messages stay held.</summary>
    public void Recover()
    {
        cuts.Clear();
        DropRate = 0;
    }

    /// <summary>Holds back (delays) every message matching <paramref name="predicate"/> until <see cref="ReleaseHeld"/>.</summary>
    public void Hold(Func<Message, bool> predicate) => holds.Add(predicate);

    /// <summary>Stops holding and puts the held messages back in flight, in their original order.</summary>
    public void ReleaseHeld()
    {
        holds.Clear();
        foreach (var m in held) inFlight.Enqueue(m);
        held.Clear();
    }

    /// <summary>Stops a replica: it neither ticks nor receives; its persisted state survives.</summary>
    public void Crash(int id) => crashed.Add(id);

    /// <summary>Restarts a crashed replica from its storage.</summary>
    /// <summary>Resumes a replica stopped with <see cref="Crash"/> without restarting it (a stalled process,
    /// SIGSTOP then SIGCONT: its memory is intact, it missed everything sent meanwhile).</summary>
    public void Resume(int id) => crashed.Remove(id);

    /// <summary>Crashes <paramref name="id"/>, replaces its disk with a blank one and restarts it under its old
    /// id with storage incarnation <paramref name="incarnation"/>.</summary>
    public void Wipe(int id, long incarnation)
    {
        crashed.Remove(id);
        replicas[id].Wipe(incarnation);
    }

    public void Restart(int id)
    {
        crashed.Remove(id);
        replicas[id].Restart();
    }

    /// <summary>Collects Ready output from every running replica and delivers messages until none are left.</summary>
    public void DeliverAll(int maxMessages = 1_000_000)
    {
        Collect();
        var delivered = 0;
        while (inFlight.Count > 0)
        {
            if (++delivered > maxMessages) throw new InvalidOperationException($"Network did not quiesce.\n{Describe()}");
            var m = inFlight.Dequeue();
            if (crashed.Contains(m.To)) continue;
            Delivered.Add(m);
            replicas[m.To].Node.Step(m);
            Observe();
            Collect();
        }
    }

    /// <summary>Ticks every running replica <paramref name="times"/> times, delivering everything after each tick.</summary>
    public void Tick(int times = 1)
    {
        for (var i = 0; i < times; i++)
        {
            foreach (var r in replicas.Values)
            {
                if (!crashed.Contains(r.Id)) r.Node.Tick();
            }
            Observe();
            DeliverAll();
        }
    }

    /// <summary>Ticks until <paramref name="condition"/> holds; fails with every replica's state otherwise.</summary>
    public void TickUntil(Func<bool> condition, int maxTicks, string expectation)
    {
        for (var i = 0; i < maxTicks; i++)
        {
            if (condition()) return;
            Tick();
        }
        if (!condition())
            throw new Xunit.Sdk.XunitException($"Expected {expectation} within {maxTicks} ticks.\n{Describe()}");
    }

    /// <summary>The replica that leads the highest term among running replicas, if any.</summary>
    public Replica? Leader =>
        replicas.Values.Where(r => !crashed.Contains(r.Id) && r.Node.Role == StateRole.Leader)
            .OrderByDescending(r => r.Node.Term).FirstOrDefault();

    /// <summary>Ticks until a leader (other than <paramref name="except"/>) exists that a majority of running
    /// replicas follow in its term.</summary>
    public Replica ElectLeader(int maxTicks = 200, int except = RaftNode.None)
    {
        TickUntil(() => Leader is { } l && l.Id != except
            && replicas.Values.Count(r => !crashed.Contains(r.Id) && r.Node.Leader == l.Id && r.Node.Term == l.Node.Term)
            >= Quorum.Majority(replicas.Count), maxTicks, "an established leader");
        return Leader!;
    }

    /// <summary>Proposes <paramref name="command"/> at the current leader and delivers; returns the result.</summary>
    public ProposeResult Propose(string command)
    {
        var leader = Leader ?? throw new InvalidOperationException($"No leader.\n{Describe()}");
        var result = leader.Node.Propose(System.Text.Encoding.UTF8.GetBytes(command));
        DeliverAll();
        return result;
    }

    public string Describe()
    {
        var sb = new StringBuilder();
        foreach (var r in replicas.Values) sb.Append(crashed.Contains(r.Id) ? "(crashed) " : "").AppendLine(r.ToString());
        return sb.ToString();
    }

    private void Collect()
    {
        foreach (var r in replicas.Values)
        {
            if (crashed.Contains(r.Id)) continue;
            foreach (var m in r.Drain()) Send(m);
        }
    }

    private void Send(Message m)
    {
        // Messages to replicas outside the network (absent voters) are lost.
        if (!replicas.ContainsKey(m.To) || cuts.Contains((m.From, m.To)) || crashed.Contains(m.To)) return;
        if (DropRate > 0 && random.NextDouble() < DropRate) return;
        if (holds.Any(h => h(m)))
        {
            held.Add(m);
            return;
        }
        inFlight.Enqueue(m);
    }

    private void Observe()
    {
        foreach (var r in replicas.Values)
        {
            if (crashed.Contains(r.Id) || r.Node.Role != StateRole.Leader) continue;
            if (!LeadersByTerm.TryGetValue(r.Node.Term, out var set)) LeadersByTerm[r.Node.Term] = set = [];
            set.Add(r.Id);
        }
    }
}
