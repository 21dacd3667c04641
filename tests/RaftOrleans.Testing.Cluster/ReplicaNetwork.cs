namespace RaftOrleans.Testing.Cluster;

/// <summary>
/// The test's control over replica-to-replica traffic, shared by every in-process silo of one test
/// cluster (one instance registered in each silo's services, consulted by
/// <see cref="ReplicaNetworkCallFilter"/>). Faults are layers: each call that adds one returns its
/// id, and removing it leaves the others in place, so overlapping faults heal independently.
/// Message loss and delay draw from one seeded <see cref="Random"/>; which message gets which draw
/// still depends on thread timing, so a run replays its fault schedule, not every packet.
/// </summary>
public sealed class ReplicaNetwork
{
    private readonly object _gate = new();
    private readonly Dictionary<long, Layer> _layers = [];
    private readonly Random _random;
    private long _nextId;

    /// <summary>Creates a network with no faults; <paramref name="seed"/> drives loss and delay draws.</summary>
    public ReplicaNetwork(int seed = 0) => _random = new Random(seed);

    /// <summary>Messages (one-way batches) dropped so far.</summary>
    public long Dropped { get; private set; }

    /// <summary>Messages delayed so far.</summary>
    public long Delayed { get; private set; }

    /// <summary>Cuts both directions between <paramref name="replica"/> and every other replica.</summary>
    public NetworkFaultId Isolate(int replica, int replicaCount)
        => Split([replica], replicaCount);

    /// <summary>Cuts both directions between the replicas in <paramref name="side"/> and all the others.</summary>
    public NetworkFaultId Split(IReadOnlyCollection<int> side, int replicaCount)
    {
        var links = new HashSet<(int, int)>();
        foreach (var a in side)
        {
            for (var b = 1; b <= replicaCount; b++)
            {
                if (side.Contains(b)) continue;
                links.Add((a, b));
                links.Add((b, a));
            }
        }
        return Add(new Layer(links, 0, 0, TimeSpan.Zero));
    }

    /// <summary>Drops every message from <paramref name="from"/> to each of <paramref name="to"/>; the
    /// other direction still works (a one-way fault: a leader that is heard but cannot hear, or the reverse).</summary>
    public NetworkFaultId CutOneWay(int from, IEnumerable<int> to)
        => Cut(to.Where(t => t != from).Select(t => (from, t)));

    /// <summary>Drops every message on each of the directed <paramref name="links"/>.</summary>
    public NetworkFaultId Cut(IEnumerable<(int From, int To)> links)
        => Add(new Layer(links.ToHashSet(), 0, 0, TimeSpan.Zero));

    /// <summary>
    /// Makes every link lossy and slow: each message is dropped with <paramref name="lossProbability"/>,
    /// else delayed with <paramref name="delayProbability"/> by a uniform draw up to <paramref name="maxDelay"/>
    /// (delays reorder messages too).
    /// </summary>
    public NetworkFaultId AddNoise(double lossProbability, double delayProbability, TimeSpan maxDelay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(lossProbability, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(lossProbability, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(delayProbability, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(delayProbability, 1);
        return Add(new Layer([], lossProbability, delayProbability, maxDelay));
    }

    /// <summary>Removes one fault; the others stay. Removing a fault twice does nothing.</summary>
    public void Remove(NetworkFaultId id)
    {
        lock (_gate) _layers.Remove(id.Value);
    }

    /// <summary>Removes every fault.</summary>
    public void Heal()
    {
        lock (_gate) _layers.Clear();
    }

    /// <summary>Number of faults in place.</summary>
    public int ActiveFaults
    {
        get { lock (_gate) return _layers.Count; }
    }

    /// <summary>What happens to one message from <paramref name="from"/> to <paramref name="to"/> (and counts it).</summary>
    public LinkDecision Decide(int from, int to)
    {
        lock (_gate)
        {
            if (_layers.Count == 0) return LinkDecision.Deliver;
            var delay = TimeSpan.Zero;
            foreach (var layer in _layers.Values)
            {
                if (layer.Cut.Contains((from, to)) || (layer.Loss > 0 && _random.NextDouble() < layer.Loss))
                {
                    Dropped++;
                    return LinkDecision.Drop;
                }
                if (layer.DelayProbability > 0 && _random.NextDouble() < layer.DelayProbability)
                {
                    var d = TimeSpan.FromTicks((long)(layer.MaxDelay.Ticks * _random.NextDouble()));
                    if (d > delay) delay = d;
                }
            }
            if (delay <= TimeSpan.Zero) return LinkDecision.Deliver;
            Delayed++;
            return new LinkDecision(false, delay);
        }
    }

    private NetworkFaultId Add(Layer layer)
    {
        lock (_gate)
        {
            var id = ++_nextId;
            _layers.Add(id, layer);
            return new NetworkFaultId(id);
        }
    }

    private sealed record Layer(HashSet<(int From, int To)> Cut, double Loss, double DelayProbability, TimeSpan MaxDelay);
}

/// <summary>Identifies one fault added to a <see cref="ReplicaNetwork"/>, to remove it later.</summary>
/// <param name="Value">The fault's number within its network.</param>
public readonly record struct NetworkFaultId(long Value);

/// <summary>The fate of one replica-to-replica message.</summary>
/// <param name="Lost">The message is dropped.</param>
/// <param name="Delay">How long the message waits before it is sent (zero: at once).</param>
public readonly record struct LinkDecision(bool Lost, TimeSpan Delay)
{
    /// <summary>Sent at once.</summary>
    public static LinkDecision Deliver => default;

    /// <summary>Dropped.</summary>
    public static LinkDecision Drop => new(true, TimeSpan.Zero);
}
