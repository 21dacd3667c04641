using RaftOrleans.Bench.Targets;

namespace RaftOrleans.Bench.Failover;

/// <summary>The RaftOrleans cluster seen through the gateway's <c>Status()</c>: replicas, roles and the silos they live on.</summary>
public sealed class RaftOrleansFailoverCluster(RaftOrleansTarget target, int replicas) : IFailoverCluster
{
    /// <inheritdoc />
    public IKvTarget Target => target;

    /// <inheritdoc />
    public async Task<string?> FindAsync(VictimKind victim, CancellationToken cancellationToken)
    {
        var status = await target.Store.StatusAsync();
        var role = victim == VictimKind.Leader ? "Leader" : "Follower";
        return status.Replicas.Where(r => r.Role == role).OrderBy(r => r.Replica).Select(r => r.Silo).FirstOrDefault();
    }

    /// <inheritdoc />
    public async Task<string?> UnhealthyReasonAsync(CancellationToken cancellationToken)
    {
        try
        {
            var status = await target.Store.StatusAsync();
            var table = string.Join(", ", status.Replicas.Select(r => $"{r.Silo}:{r.Role}/t{r.Term}/applied {r.Applied}"));
            if (status.Replicas.Count != replicas) return $"{status.Replicas.Count} of {replicas} replicas reported ({table})";
            if (status.Replicas.Count(r => r.Role == "Leader") != 1 || status.Replicas.Count(r => r.Role == "Follower") != replicas - 1)
            {
                return $"roles not settled: {table}";
            }
            if (status.Replicas.Select(r => r.Applied).Distinct().Count() != 1) return $"followers catching up: {table}";
            return null;
        }
        catch (Exception e)
        {
            return $"status failed: {e.GetBaseException().Message}";
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => target.DisposeAsync();
}
