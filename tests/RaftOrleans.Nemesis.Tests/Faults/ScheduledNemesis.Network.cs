namespace RaftOrleans.Nemesis.Tests.Faults;

/// <summary>Network faults: isolation, minority/majority splits, one-way cuts, delay and loss.</summary>
public sealed partial class ScheduledNemesis
{
    private async Task<Injected?> IsolateAsync(FaultEvent e, Random random)
    {
        var (r, role) = await ResolveAsync(e.Spec.Target, random);
        if (r == 0) return Skip(e, "no replica up");
        var id = _cluster.Network.Isolate(r, ReplicaSpan);
        _log.Took(e, $"isolated replica {r} ({role})");
        return Heal(e, () => _cluster.Network.Remove(id));
    }

    /// <summary>Target Leader: the leader is in the minority; Follower: the minority is followers only.</summary>
    private async Task<Injected?> SplitAsync(FaultEvent e, Random random)
    {
        // The sides are drawn from the voters (the group may be one larger or smaller than it started); the minority
        // is cut from every other silo's replica, members or not.
        var voters = Voters;
        var (leader, role) = await ResolveAsync(FaultTarget.Leader, random);
        var size = Math.Max(1, (voters.Count - 1) / 2);
        var others = voters.Where(i => i != leader).OrderBy(_ => random.Next()).ToList();
        var minority = e.Spec.Target == FaultTarget.Leader
            ? others.Take(size - 1).Append(leader).ToHashSet()
            : others.Take(size).ToHashSet();
        var id = _cluster.Network.Split(minority, ReplicaSpan);
        _log.Took(e, $"split minority {{{string.Join(", ", minority.Order())}}} from the rest (leader {leader}, {role})");
        return Heal(e, () => _cluster.Network.Remove(id));
    }

    private async Task<Injected?> CutOneWayAsync(FaultEvent e, Random random)
    {
        var (r, role) = await ResolveAsync(e.Spec.Target, random);
        if (r == 0) return Skip(e, "no replica up");
        var others = AllReplicas.Where(i => i != r).ToList();
        var outbound = e.Spec.Kind == FaultKind.CutOutbound;
        var id = outbound ? _cluster.Network.CutOneWay(r, others) : _cluster.Network.Cut(others.Select(o => (o, r)));
        _log.Took(e, $"replica {r} ({role}) {(outbound ? "cannot send to" : "cannot hear from")} its peers");
        return Heal(e, () => _cluster.Network.Remove(id));
    }

    private Injected DelayAndLoss(FaultEvent e, Random random)
    {
        var loss = 0.05 + random.NextDouble() * 0.25;
        var delayShare = 0.2 + random.NextDouble() * 0.5;
        var maxDelay = TimeSpan.FromMilliseconds(20 + random.Next(280));
        var id = _cluster.Network.AddNoise(loss, delayShare, maxDelay);
        _log.Took(e, $"every link drops {loss:P0} and delays {delayShare:P0} of messages by up to {maxDelay.TotalMilliseconds:0} ms");
        return Heal(e, () => _cluster.Network.Remove(id));
    }
}
