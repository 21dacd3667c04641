namespace RaftOrleans.Consensus.Tests.Simulation;

/// <summary>
/// The packet network between replicas: every message is lost, delayed, duplicated or held back
/// (reordered) by a draw from the run's random source, and dropped at delivery if a partition
/// blocks its direction at that moment. Raft must be safe under all of it.
/// </summary>
internal sealed class SimulatedNetwork(SimulationOptions options, Random random, Action<long, SimEvent> schedule, SimulationTrace trace)
{
    private readonly HashSet<(int From, int To)> _blocked = [];

    /// <summary>Set in the quiet phase: no loss, duplication or reordering.</summary>
    public bool Calm { get; set; }

    /// <summary>Messages handed to the network.</summary>
    public long Sent { get; private set; }

    /// <summary>Messages lost, at send or by a partition at delivery.</summary>
    public long Dropped { get; private set; }

    /// <summary>True while any direction is blocked.</summary>
    public bool IsPartitioned => _blocked.Count > 0;

    /// <summary>Sends <paramref name="message"/> at <paramref name="now"/>.</summary>
    public void Send(Message message, long now)
    {
        Sent++;
        if (!Calm && random.NextDouble() < options.Loss)
        {
            Dropped++;
            trace.Add(now, "lost", message);
            return;
        }
        schedule(Delay(), new DeliverMessage(message));
        if (!Calm && random.NextDouble() < options.Duplication)
        {
            trace.Add(now, "duplicated", message);
            schedule(Delay(), new DeliverMessage(message));
        }
    }

    /// <summary>False (and counted as dropped) if a partition blocks the message's direction now.</summary>
    public bool TryDeliver(Message message, long now)
    {
        if (!_blocked.Contains((message.From, message.To))) return true;
        Dropped++;
        trace.Add(now, "partitioned", message);
        return false;
    }

    /// <summary>Blocks messages from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public void Block(int from, int to) => _blocked.Add((from, to));

    /// <summary>Blocks both directions between every member of <paramref name="side"/> and every other replica.</summary>
    public void Split(IReadOnlyCollection<int> side, int replicas)
    {
        foreach (int a in side)
        {
            for (int b = 1; b <= replicas; b++)
            {
                if (side.Contains(b)) continue;
                Block(a, b);
                Block(b, a);
            }
        }
    }

    /// <summary>Removes every partition.</summary>
    public void Heal() => _blocked.Clear();

    /// <summary>The blocked directions, sorted, e.g. <c>1->2 2->1</c>.</summary>
    public string Describe() =>
        string.Join(" ", _blocked.OrderBy(l => l.From).ThenBy(l => l.To).Select(l => $"{l.From}->{l.To}"));

    /// <summary>A one-way delay: ordinary jitter, plus sometimes a long hold-back so later messages overtake.</summary>
    public long Delay()
    {
        long delay = random.Next(options.MinDelay, options.MaxDelay + 1);
        if (!Calm && random.NextDouble() < options.Reorder) delay += random.Next(1, options.ReorderDelayMax + 1);
        return delay;
    }
}
