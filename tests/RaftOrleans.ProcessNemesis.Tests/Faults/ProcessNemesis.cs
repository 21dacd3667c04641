using RaftOrleans.EndToEnd.Tests.Infrastructure;
using RaftOrleans.Testing.Workload.Processes;

namespace RaftOrleans.ProcessNemesis.Tests.Faults;

/// <summary>
/// Runs a <see cref="ProcessFaultSchedule"/> against a <see cref="ProcessNemesisCluster"/>: pauses
/// (SIGSTOP/SIGCONT), kills and restarts, storage stalls on the leader, mixes, and membership faults
/// (reconfigurations and wiped disks, in ProcessNemesis.Membership.cs). After every
/// SIGCONT it checks that the paused silo is the same process and running, and after every fault's
/// quiet gap that no silo died on its own. Durations are the faults themselves: the waits here
/// are how long a fault lasts, not synchronisation.
/// </summary>
public sealed partial class ProcessNemesis(ProcessNemesisCluster cluster, ProcessFaultSchedule schedule, ProcessFaultLog log)
{
    private readonly List<string> _errors = [];

    /// <summary>Makes the membership changes (and counts them).</summary>
    public MembershipDriver Membership { get; } = new(cluster, log);

    /// <summary>What went wrong: a silo that died or changed process, a signal that failed.</summary>
    public IReadOnlyList<string> Errors
    {
        get { lock (_errors) return [.. _errors]; }
    }

    /// <summary>Faults injected, by kind.</summary>
    public Dictionary<ProcessFaultKind, int> Injected { get; } = [];

    /// <summary>Runs the faults in order until the schedule ends or <paramref name="stop"/> fires.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        foreach (var fault in schedule.Faults)
        {
            if (stop.IsCancellationRequested) return;
            var random = new Random(fault.Pick);
            log.Write($"{fault}: begins");
            try
            {
                await InjectAsync(fault, random);
                Injected[fault.Kind] = Injected.GetValueOrDefault(fault.Kind) + 1;
            }
            catch (Exception ex)
            {
                Error($"fault {fault} failed: {ex.Message}");
            }
            try
            {
                await Task.Delay(fault.Gap, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            foreach (var death in cluster.Deaths()) Error($"after {fault}: silo died on its own: {death}");
        }
    }

    /// <summary>Ends every fault still in effect: resumes paused silos, removes stall files, starts silos that are down.</summary>
    public void HealAll()
    {
        foreach (var silo in cluster.Silos)
        {
            if (File.Exists(cluster.StallFile(silo)))
            {
                File.Delete(cluster.StallFile(silo));
                log.Write($"heal: {silo.Name} storage stall removed");
            }
            if (silo.IsRunning && PosixProcess.IsPaused(silo.ProcessId))
            {
                PosixProcess.Resume(silo.ProcessId);
                log.Write($"heal: {silo.Name} resumed");
            }
            if (!silo.IsRunning)
            {
                cluster.Start(silo);
                log.Write($"heal: {silo.Name} started (pid {silo.ProcessId})");
            }
        }
    }

    private async Task InjectAsync(ProcessFault fault, Random random)
    {
        switch (fault.Kind)
        {
            case ProcessFaultKind.PauseRandom:
                await PauseAsync(Pick(random, except: null), fault.Duration);
                break;
            case ProcessFaultKind.PauseLeader:
                await PauseAsync(await LeaderOrPickAsync(random), fault.Duration);
                break;
            case ProcessFaultKind.KillRestart:
                await KillRestartAsync(Pick(random, except: null), fault.Duration);
                break;
            case ProcessFaultKind.StallLeader:
                await StallAsync(await LeaderOrPickAsync(random), fault.Duration);
                break;
            case ProcessFaultKind.Mix:
                var leader = await LeaderOrPickAsync(random);
                var other = Pick(random, except: leader);
                await Task.WhenAll(
                    fault.MixPausesLeader ? PauseAsync(leader, fault.Duration) : StallAsync(leader, fault.Duration),
                    PauseAsync(other, fault.Second));
                break;
            case ProcessFaultKind.Reconfigure:
                await ReconfigureAsync(fault, random);
                break;
            case ProcessFaultKind.WipeRestart:
                await WipeRestartAsync(fault, random);
                break;
        }
    }

    private async Task PauseAsync(SiloProcess silo, TimeSpan duration)
    {
        if (!silo.IsRunning)
        {
            log.Write($"  {silo.Name} is not running; pause skipped");
            return;
        }
        var pid = silo.ProcessId;
        PosixProcess.Pause(pid);
        log.Write($"  SIGSTOP {silo.Name} (pid {pid}) for {duration.TotalSeconds:0.0}s");
        await Task.Delay(duration);
        PosixProcess.Resume(pid);
        var state = PosixProcess.State(pid);
        log.Write($"  SIGCONT {silo.Name} (pid {pid}): state {state?.ToString() ?? "gone"}");
        if (!silo.IsRunning || silo.ProcessId != pid || state is null or 'Z')
        {
            Error($"{silo.Name} paused as pid {pid} is not running after SIGCONT (now {(silo.IsRunning ? $"pid {silo.ProcessId}" : "not running")}, state {state?.ToString() ?? "gone"})");
        }
    }

    private async Task KillRestartAsync(SiloProcess silo, TimeSpan down)
    {
        if (!silo.IsRunning)
        {
            log.Write($"  {silo.Name} is not running; kill skipped");
            return;
        }
        var pid = silo.ProcessId;
        cluster.Kill(silo);
        log.Write($"  kill -9 {silo.Name} (pid {pid}), down {down.TotalSeconds:0.0}s");
        await Task.Delay(down);
        cluster.Start(silo);
        log.Write($"  restarted {silo.Name} (pid {silo.ProcessId})");
    }

    private async Task StallAsync(SiloProcess silo, TimeSpan duration)
    {
        var file = cluster.StallFile(silo);
        await File.WriteAllTextAsync(file, "stalled by the process nemesis\n");
        log.Write($"  storage stall on {silo.Name} for {duration.TotalSeconds:0.0}s");
        await Task.Delay(duration);
        File.Delete(file);
        log.Write($"  storage stall on {silo.Name} ends");
    }

    private async Task<SiloProcess> LeaderOrPickAsync(Random random)
    {
        var status = await cluster.TryStatusAsync();
        var leader = ProcessNemesisCluster.LeaderOf(status) is { } replica ? cluster.Silos.FirstOrDefault(s => s.Index == replica) : null;
        if (leader is not null && leader.IsRunning)
        {
            log.Write($"  leader is {leader.Name}");
            return leader;
        }
        var pick = Pick(random, except: null);
        log.Write($"  no leader reported ({ProcessNemesisCluster.Describe(status)}); {pick.Name} chosen instead");
        return pick;
    }

    /// <summary>A random silo of the group's members (the spare is a member only inside a Reconfigure fault,
    /// which runs alone), other than <paramref name="except"/>.</summary>
    private SiloProcess Pick(Random random, SiloProcess? except)
    {
        var candidates = cluster.Silos.Where(s => ProcessNemesisCluster.InitialVoters.Contains(s.Index) && s != except).ToList();
        return candidates[random.Next(candidates.Count)];
    }

    private void Error(string message)
    {
        lock (_errors) _errors.Add(message);
        log.Write("ERROR " + message);
    }
}
