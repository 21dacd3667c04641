using System.Diagnostics;
using RaftOrleans.Grains;
using RaftOrleans.Testing.Workload.Processes;

namespace RaftOrleans.Bench.Stall;

/// <summary>Cluster health as the stall benchmark needs it: every replica reporting, one leader, followers caught up.</summary>
public static class StallHealth
{
    /// <summary>The group status through the first gateway that answers, or null.</summary>
    public static async Task<GroupStatus?> TryStatusAsync(GatewayClients clients, TimeSpan timeout)
    {
        for (var i = 0; i < clients.Count; i++)
        {
            try
            {
                var status = await clients.Store(i).StatusAsync().WaitAsync(timeout);
                if (status.Replicas.Count > 0) return status;
            }
            catch (Exception)
            {
                // This gateway did not answer; try the next.
            }
        }
        return null;
    }

    /// <summary>How far behind the leader's commit index a follower may have applied and still count as
    /// caught up (a write loop keeps running during the checks).</summary>
    public const long CaughtUpEntries = 200;

    /// <summary>Waits until all <paramref name="replicas"/> report, exactly one leads, all share its term,
    /// every replica has applied to within <see cref="CaughtUpEntries"/> of its commit, and every gateway
    /// passes its health check; throws <see cref="TimeoutException"/> with the last status after <paramref name="deadline"/>.</summary>
    public static async Task WaitHealthyAsync(GatewayClients clients, int replicas, TimeSpan deadline, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var last = "no status";
        while (clock.Elapsed < deadline)
        {
            var status = await TryStatusAsync(clients, TimeSpan.FromSeconds(3));
            if (status is not null)
            {
                last = string.Join(", ", status.Replicas.Select(r => $"{r.Silo}:{r.Role}/t{r.Term}/applied {r.Applied}"));
                var leaders = status.Replicas.Where(r => r.Role == "Leader").ToList();
                if (status.Replicas.Count == replicas && status.Replicas.All(r => r.Error is null) && leaders.Count == 1
                    && status.Replicas.All(r => r.Term == leaders[0].Term && leaders[0].Commit - r.Applied <= CaughtUpEntries)
                    && Enumerable.Range(0, clients.Count).All(clients.IsHealthy))
                {
                    return;
                }
            }
            // Poll interval of the health check.
            await Task.Delay(300, cancellationToken);
        }
        throw new TimeoutException($"cluster not healthy after {deadline.TotalSeconds:0} s: {last}");
    }
}
