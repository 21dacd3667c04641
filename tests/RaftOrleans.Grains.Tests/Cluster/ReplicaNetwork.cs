namespace RaftOrleans.Grains.Tests.Cluster;

/// <summary>
/// The test's control over replica-to-replica traffic: which directed links are cut. Shared by
/// every in-process silo of one test cluster (one instance registered in each silo's services).
/// </summary>
public sealed class ReplicaNetwork
{
    private readonly object _gate = new();
    private readonly HashSet<(int From, int To)> _cut = [];

    /// <summary>Messages dropped so far.</summary>
    public long Dropped { get; private set; }

    /// <summary>Cuts both directions between <paramref name="replica"/> and every other replica.</summary>
    public void Isolate(int replica, int replicaCount)
    {
        lock (_gate)
        {
            for (var other = 1; other <= replicaCount; other++)
            {
                if (other == replica) continue;
                _cut.Add((replica, other));
                _cut.Add((other, replica));
            }
        }
    }

    /// <summary>Restores every link.</summary>
    public void Heal()
    {
        lock (_gate) _cut.Clear();
    }

    /// <summary>True when the message must be dropped (and counts it).</summary>
    public bool ShouldDrop(int from, int to)
    {
        lock (_gate)
        {
            if (!_cut.Contains((from, to))) return false;
            Dropped++;
            return true;
        }
    }
}
