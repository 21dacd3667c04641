namespace RaftOrleans.Nemesis.Tests.Faults;

/// <summary>Which replica a fault hits, resolved when it starts.</summary>
public sealed partial class ScheduledNemesis
{
    /// <summary>Resolves a target among the voters (as the nemesis last changed the group) whose silo is up; 0 when none is.</summary>
    private async Task<(int Replica, string Role)> ResolveAsync(FaultTarget target, Random random)
    {
        var up = Voters.Where(_cluster.IsUp).ToList();
        if (up.Count == 0) return (0, "none up");
        if (target is FaultTarget.FirstSilo) return (1, "first silo");
        if (target is FaultTarget.Random or FaultTarget.All) return (up[random.Next(up.Count)], "random");

        var statuses = await _cluster.ReplicaStatusesAsync(up, TimeSpan.FromSeconds(1));
        // A paused replica still reports the role it had when paused: it is not the leader anyone hears.
        var leader = statuses
            .Where(s => s.Error is null && s.Role == "Leader" && !_cluster.Hook.IsPaused(s.Replica) && up.Contains(s.Replica))
            .MaxBy(s => s.Term);
        if (target is FaultTarget.Leader)
        {
            return leader is null ? (up[random.Next(up.Count)], "no leader known: random") : (leader.Replica, $"leader in term {leader.Term}");
        }
        var followers = up.Where(r => r != leader?.Replica).ToList();
        return followers.Count == 0 ? (0, "no follower up") : (followers[random.Next(followers.Count)], leader is null ? "no leader known: random" : $"follower of {leader.Replica}");
    }

    /// <summary>The voters as the nemesis last changed the group (every original replica until a membership fault).</summary>
    private IReadOnlyList<int> Voters
    {
        get { lock (_gate) return [.. _members.Order()]; }
    }

    /// <summary>Every replica that has a silo (members or not): network and storage faults act on all of them, so a
    /// learner being added or a spare is cut off like any other.</summary>
    private IReadOnlyList<int> AllReplicas => _cluster.SiloReplicaIds;

    /// <summary>The highest replica id with a silo, the size network faults are built for.</summary>
    private int ReplicaSpan => _cluster.SiloReplicaIds.Count;
}
