using RaftOrleans.Bench.Targets;

namespace RaftOrleans.Bench.Soak;

/// <summary>Catch-up through the gateway's <c>Status()</c>, the call <c>raftkv status</c> makes: each replica's role, commit and applied index.</summary>
public sealed class RaftOrleansCatchUpProbe(RaftOrleansTarget target) : ICatchUpProbe
{
    /// <summary>A status call through a gateway that was just killed waits for the client's response timeout; the poll moves on sooner.</summary>
    private static readonly TimeSpan CallDeadline = TimeSpan.FromSeconds(2);

    /// <inheritdoc />
    public async Task<long?> LeaderCommitAsync(CancellationToken cancellationToken)
    {
        var status = await target.Store.StatusAsync().WaitAsync(CallDeadline, cancellationToken);
        return status.Replicas.Where(r => r.Role == "Leader").Select(r => (long?)r.Commit).Max();
    }

    /// <inheritdoc />
    public async Task<(long? FollowerApplied, bool Answered, string Status)> FollowerAppliedAsync(string member, CancellationToken cancellationToken)
    {
        var status = await target.Store.StatusAsync().WaitAsync(CallDeadline, cancellationToken);
        var replica = status.Replicas.FirstOrDefault(r => r.Silo == member);
        if (replica is null) return (null, false, $"no replica on {member}");
        var text = $"{member}: {replica.Role} t{replica.Term} commit {replica.Commit} applied {replica.Applied} last {replica.LastIndex}" + (replica.Error is { } e ? $" ({e})" : "");
        var answered = replica.Error is null && replica.Role != "Unreachable";
        return (replica.Role == "Follower" && replica.Leader != 0 ? replica.Applied : null, answered, text);
    }
}
