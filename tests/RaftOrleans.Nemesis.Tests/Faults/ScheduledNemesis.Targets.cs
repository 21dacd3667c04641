namespace RaftOrleans.Nemesis.Tests.Faults;

/// <summary>Which replica a fault hits, resolved when it starts.</summary>
public sealed partial class ScheduledNemesis
{
    /// <summary>Resolves a target among the replicas whose silo is up; 0 when none is.</summary>
    private async Task<(int Replica, string Role)> ResolveAsync(FaultTarget target, Random random)
    {
        var up = Enumerable.Range(1, _cluster.ReplicaCount).Where(_cluster.IsUp).ToList();
        if (up.Count == 0) return (0, "none up");
        if (target is FaultTarget.FirstSilo) return (1, "first silo");
        if (target is FaultTarget.Random or FaultTarget.All) return (up[random.Next(up.Count)], "random");

        var statuses = await _cluster.ReplicaStatusesAsync(TimeSpan.FromSeconds(1));
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
}
