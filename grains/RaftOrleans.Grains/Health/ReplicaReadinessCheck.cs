using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Runtime;
using RaftOrleans.Grains.Replica;
using RaftOrleans.Grains.Topology;

namespace RaftOrleans.Grains.Health;

/// <summary>
/// Readiness of this silo's replicas: every replica the silo hosts as a member knows its group's leader, its group
/// has committed its configuration, and it has applied to within <see cref="MaxApplyLag"/> entries of the leader's
/// commit index. A load balancer or Kubernetes then sends a client to a silo whose reads and writes will be served
/// without waiting for an election or a catch-up. A silo that hosts no member (a spare) is ready as soon as it runs.
/// </summary>
/// <remarks>
/// Every answer comes from the replicas' own status (<see cref="Grains.IRaftReplicaGrain.GetStatus"/>) within
/// <see cref="StatusTimeout"/>: a replica whose storage stalls, or a leader this silo cannot reach, makes the silo
/// not ready rather than the probe hang.
/// </remarks>
public sealed class ReplicaReadinessCheck(IGrainFactory grains, IReplicaTopology topology, ILocalSiloDetails silo) : IHealthCheck
{
    /// <summary>Most entries a replica may be behind the leader's commit index and still be ready. Default 1,000.</summary>
    public long MaxApplyLag { get; init; } = 1_000;

    /// <summary>How long each status question may take. Default 2 s.</summary>
    public TimeSpan StatusTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var replicas = topology.ReplicasOn(silo.Name);
        if (replicas.Count == 0) return HealthCheckResult.Healthy($"{silo.Name} hosts no member replica (a spare)");

        var data = new Dictionary<string, object>();
        var problems = new List<string>();
        foreach (var replica in replicas)
        {
            var problem = await CheckAsync(replica, data, cancellationToken);
            if (problem is not null) problems.Add(problem);
        }
        return problems.Count == 0
            ? HealthCheckResult.Healthy($"{replicas.Count} replica(s) on {silo.Name} follow a leader and are caught up", data)
            : HealthCheckResult.Unhealthy(string.Join("; ", problems), data: data);
    }

    private async Task<string?> CheckAsync(ReplicaKey replica, Dictionary<string, object> data, CancellationToken cancellationToken)
    {
        var status = await StatusAsync(replica, cancellationToken);
        if (status.Error is not null) return $"{replica}: {status.Error}";
        data[replica.ToString()] = $"{status.Role} term={status.Term} leader={status.Leader} commit={status.Commit} applied={status.Applied}";
        if (status.Role == "Stopped") return $"{replica}: stopped";
        if (status.Leader == 0) return $"{replica}: knows no leader ({status.Role}, term {status.Term})";
        if (!status.Configured) return $"{replica}: its group has not committed its configuration yet";

        // A follower's own commit index may itself lag (it is catching up by InstallSnapshot): compare with the leader's.
        long leaderCommit = status.Commit;
        if (status.Leader != replica.Index)
        {
            var leader = await StatusAsync(new ReplicaKey(replica.Group, status.Leader), cancellationToken);
            if (leader.Error is not null) return $"{replica}: its leader {status.Leader} does not answer: {leader.Error}";
            leaderCommit = Math.Max(leaderCommit, leader.Commit);
        }
        long lag = leaderCommit - status.Applied;
        return lag > MaxApplyLag ? $"{replica}: applied {status.Applied}, {lag} entries behind the leader's commit {leaderCommit}" : null;
    }

    private async Task<ReplicaStatus> StatusAsync(ReplicaKey replica, CancellationToken cancellationToken)
    {
        try
        {
            return await grains.GetGrain<IRaftReplicaGrain>(replica.ToString()).GetStatus().WaitAsync(StatusTimeout, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new ReplicaStatus { Replica = replica.Index, Error = e is TimeoutException ? $"no status within {StatusTimeout.TotalSeconds:0.#} s" : OneLine(e) };
        }
    }

    /// <summary>The first line of the innermost message (Orleans wraps connection failures in multi-line text).</summary>
    private static string OneLine(Exception e)
    {
        var message = e.GetBaseException().Message;
        var end = message.IndexOfAny(['\r', '\n']);
        return $"{e.GetBaseException().GetType().Name}: {(end < 0 ? message : message[..end])}";
    }
}
