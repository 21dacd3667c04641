using System.Diagnostics;
using RaftOrleans.Bench.Results;

namespace RaftOrleans.Bench.Failover;

/// <summary>
/// Repeats: wait until the cluster is healthy, write steadily, <c>kill -9</c> the chosen member,
/// time the first successful write sent after the kill, restart the member. Reports every trial
/// with the median and maximum.
/// </summary>
public sealed class FailoverRunner(IFailoverCluster cluster, MemberProcesses processes, FailoverSettings settings)
{
    private static readonly TimeSpan HealthPoll = TimeSpan.FromMilliseconds(300);

    /// <summary>Runs every trial; throws when the cluster cannot be brought back to health.</summary>
    public async Task<FailoverResult> RunAsync(string? label, CancellationToken cancellationToken)
    {
        var machine = MachineInfo.Current();
        var started = DateTime.UtcNow;
        var trials = new List<FailoverTrial>();
        for (var i = 1; i <= settings.Trials; i++)
        {
            var trial = await TrialAsync(cancellationToken);
            trials.Add(trial);
            Console.Error.WriteLine($"[failover {cluster.Target.Name} {Victim}] trial {i}/{settings.Trials}: killed {trial.Member}, "
                + (trial.RecoveryMs is { } ms ? $"first successful write after {ms:0} ms" : $"no successful write within {settings.RecoveryDeadline.TotalSeconds:0} s")
                + $" ({trial.FailedWrites} failed writes)");
        }
        var recovered = trials.Where(t => t.RecoveryMs is not null).Select(t => t.RecoveryMs!.Value).ToList();
        return new FailoverResult
        {
            Target = cluster.Target.Name,
            Victim = Victim,
            WriteIntervalMs = settings.WriteInterval.TotalMilliseconds,
            Trials = trials,
            MedianMs = Statistics.Median(recovered),
            MaxMs = recovered.Count > 0 ? recovered.Max() : null,
            Unrecovered = trials.Count - recovered.Count,
            StartedUtc = started,
            Machine = machine,
            Label = label,
        };
    }

    private string Victim => settings.Victim == VictimKind.Leader ? "leader" : "follower";

    private async Task<FailoverTrial> TrialAsync(CancellationToken cancellationToken)
    {
        await WaitHealthyAsync(cancellationToken);
        var probe = new FailoverProbe(cluster.Target, settings.WriteInterval);
        probe.Start();
        string victim;
        long killedAt;
        TimeSpan? recovery;
        try
        {
            // Steady state first: the kill must land in a stream of successful writes.
            await Task.Delay(settings.SteadyBeforeKill, cancellationToken);
            if (probe.SucceededBeforeKill == 0) throw new InvalidOperationException("no write succeeded before the kill: the cluster is not serving");
            victim = await cluster.FindAsync(settings.Victim, cancellationToken)
                ?? throw new InvalidOperationException($"no {Victim} found");
            var (pid, problem) = processes.Find(victim);
            if (pid is null) throw new InvalidOperationException($"cannot kill {victim}: {problem}");
            killedAt = Stopwatch.GetTimestamp();
            probe.MarkKill(killedAt);
            MemberProcesses.Kill(pid.Value);
            recovery = await probe.WaitForRecoveryAsync(settings.RecoveryDeadline, cancellationToken);
        }
        finally
        {
            // Writes stuck on the dead member are not waited for long: the measurement is already taken.
            await probe.StopAsync(TimeSpan.FromSeconds(3));
        }

        await processes.RestartAsync(victim, cancellationToken);
        return new FailoverTrial
        {
            Member = victim,
            RecoveryMs = recovery?.TotalMilliseconds,
            FailedWrites = probe.Failed,
            SucceededWrites = probe.Succeeded,
        };
    }

    private async Task WaitHealthyAsync(CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        string? reason;
        while ((reason = await cluster.UnhealthyReasonAsync(cancellationToken)) is not null)
        {
            if (deadline.Elapsed > settings.HealthyDeadline)
            {
                throw new TimeoutException($"cluster not healthy after {settings.HealthyDeadline.TotalSeconds:0} s: {reason}");
            }
            await Task.Delay(HealthPoll, cancellationToken);
        }
    }
}
