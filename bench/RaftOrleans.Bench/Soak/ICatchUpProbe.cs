namespace RaftOrleans.Bench.Soak;

/// <summary>What a catch-up measurement reads from a replicated target.</summary>
public interface ICatchUpProbe
{
    /// <summary>The leader's commit index now, or null when no leader answers.</summary>
    Task<long?> LeaderCommitAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The applied index of <paramref name="member"/> if it is up and a follower of a known leader (null
    /// otherwise), whether it answered at all (its process is serving again, whatever its role), and a
    /// description of what it reported.
    /// </summary>
    Task<(long? FollowerApplied, bool Answered, string Status)> FollowerAppliedAsync(string member, CancellationToken cancellationToken);
}
