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
                + $" ({trial.FailedWrites} failed writes, {trial.SkippedTicks} ticks skipped at the in-flight cap)");
            foreach (var e in trial.SampleErrors) Console.Error.WriteLine($"  error: {e}");
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
            if (!await probe.WaitForFirstSuccessAsync(settings.HealthyDeadline, cancellationToken))
            {
                throw new InvalidOperationException($"no write succeeded within {settings.HealthyDeadline.TotalSeconds:0} s before the kill: the cluster is not serving");
            }
            await Task.Delay(settings.SteadyBeforeKill, cancellationToken);
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
            SkippedTicks = probe.Skipped,
            SampleErrors = probe.SampleErrors,
        };
    }

    private Task WaitHealthyAsync(CancellationToken cancellationToken)
        => HealthWaiter.WaitAsync(cluster.UnhealthyReasonAsync, settings.HealthyDeadline, cancellationToken);
}
