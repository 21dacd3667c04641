using dotnet_etcd;
using Etcdserverpb;
using RaftOrleans.Bench.Targets;

namespace RaftOrleans.Bench.Failover;

/// <summary>
/// An etcd cluster seen member by member: each endpoint's own status (its member id and the leader it
/// follows) and the member list (ids to names).
/// </summary>
public sealed class EtcdFailoverCluster : IFailoverCluster
{
    private static readonly TimeSpan StatusTimeout = TimeSpan.FromSeconds(1);
    private readonly EtcdTarget _target;
    private readonly List<EtcdClient> _perEndpoint;

    /// <summary>Watches the members behind <paramref name="endpoints"/>; the probe writes through <paramref name="target"/>.</summary>
    public EtcdFailoverCluster(EtcdTarget target, IReadOnlyList<string> endpoints)
    {
        _target = target;
        _perEndpoint = [.. endpoints.Select(e => EtcdClients.Create([e]))];
    }

    /// <inheritdoc />
    public IKvTarget Target => _target;

    /// <inheritdoc />
    public async Task<string?> FindAsync(VictimKind victim, CancellationToken cancellationToken)
    {
        var statuses = await StatusesAsync(cancellationToken);
        var leader = statuses.Where(s => s is not null).Select(s => s!.Leader).FirstOrDefault(l => l != 0);
        if (leader == 0) return null;
        var members = await MembersAsync(cancellationToken);
        if (members is null) return null;
        return victim == VictimKind.Leader
            ? members.FirstOrDefault(m => m.ID == leader)?.Name
            : members.Where(m => m.ID != leader).Select(m => m.Name).Order(StringComparer.Ordinal).FirstOrDefault();
    }

    /// <inheritdoc />
    public async Task<string?> UnhealthyReasonAsync(CancellationToken cancellationToken)
    {
        var statuses = await StatusesAsync(cancellationToken);
        var down = statuses.Count(s => s is null);
        if (down > 0) return $"{down} of {statuses.Count} members did not answer status";
        var leaders = statuses.Select(s => s!.Leader).Distinct().ToList();
        if (leaders.Count != 1 || leaders[0] == 0) return $"no agreed leader (members report {string.Join(", ", leaders)})";
        var indexes = statuses.Select(s => s!.RaftAppliedIndex).ToList();
        if (indexes.Max() - indexes.Min() > 0) return $"members catching up (applied {string.Join(", ", indexes)})";
        return null;
    }

    private async Task<List<StatusResponse?>> StatusesAsync(CancellationToken cancellationToken)
        => [.. await Task.WhenAll(_perEndpoint.Select(async c =>
        {
            try
            {
                return await c.StatusAsync(new StatusRequest(), deadline: DateTime.UtcNow + StatusTimeout, cancellationToken: cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return null;
            }
        }))];

    private async Task<IReadOnlyList<Member>?> MembersAsync(CancellationToken cancellationToken)
    {
        foreach (var c in _perEndpoint)
        {
            try
            {
                var list = await c.MemberListAsync(new MemberListRequest(), deadline: DateTime.UtcNow + StatusTimeout, cancellationToken: cancellationToken);
                return list.Members;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Try the next member.
            }
        }
        return null;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var c in _perEndpoint) c.Dispose();
        await _target.DisposeAsync();
    }
}
