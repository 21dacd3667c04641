using System.Collections.Concurrent;
using System.Diagnostics;

namespace RaftOrleans.Grains.Gateway;

/// <summary>
/// Replicas that recently did not answer a gateway attempt (timed out or the call failed), shared by
/// every gateway activation on this silo. A killed leader's silo stays listed up until Orleans declares
/// it dead (about 20 s with the stall-tolerant membership), and until the followers elect a new leader
/// they keep naming it. Without this memory each new request would first spend an attempt timeout on
/// it again; with it, a request starts elsewhere and does not follow redirects to it for
/// <see cref="Window"/>, after which one attempt checks it again.
/// </summary>
internal sealed class SilentReplicas
{
    /// <summary>How long a replica that did not answer is avoided. Longer than an election
    /// (≈ 1 s), so the first requests after a crash go to the replicas that elect the new leader.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(3);

    private readonly ConcurrentDictionary<(string Group, int Replica), long> _since = new();

    /// <summary>Notes that <paramref name="replica"/> of <paramref name="group"/> did not answer.</summary>
    public void MarkSilent(string group, int replica) => _since[(group, replica)] = Stopwatch.GetTimestamp();

    /// <summary>Notes that the replica answered: it is used again at once.</summary>
    public void Heard(string group, int replica) => _since.TryRemove((group, replica), out _);

    /// <summary>Whether the replica did not answer within the last <see cref="Window"/>.</summary>
    public bool IsSilent(string group, int replica)
    {
        if (!_since.TryGetValue((group, replica), out var since)) return false;
        if (Stopwatch.GetElapsedTime(since) < Window) return true;
        // Expired: forget it, unless another request marked it again meanwhile.
        _since.TryRemove(new KeyValuePair<(string, int), long>((group, replica), since));
        return false;
    }

    /// <summary>The <paramref name="replicas"/> of <paramref name="group"/> that are silent now.</summary>
    public HashSet<int> Of(string group, IEnumerable<int> replicas)
    {
        var silent = new HashSet<int>();
        foreach (var replica in replicas)
        {
            if (IsSilent(group, replica)) silent.Add(replica);
        }
        return silent;
    }
}
