using System.Diagnostics;
using RaftOrleans.Testing.Cluster;

namespace RaftOrleans.Nemesis.Tests.Faults;

/// <summary>
/// Runs a <see cref="FaultSchedule"/> against a <see cref="RaftTestCluster"/>: each fault starts at
/// its time, resolves its target (the leader then, a follower of it, ...), takes effect, and heals
/// after its duration. Faults overlap as scheduled; each heals only itself (network faults are
/// layers, storage faults are per silo, restarts are per replica). Never more silos are down, or
/// doomed to go down, than a minority. Everything done goes to the <see cref="FaultLog"/>.
/// </summary>
public sealed partial class ScheduledNemesis
{
    private readonly RaftTestCluster _cluster;
    private readonly FaultSchedule _schedule;
    private readonly FaultLog _log;
    private readonly Stopwatch _clock;
    private readonly object _gate = new();
    private readonly HashSet<int> _doomed = [];
    private readonly Dictionary<int, FaultSpec> _inEffect = [];
    private readonly List<string> _errors = [];

    /// <summary>Creates a nemesis; <paramref name="clock"/> is the run's clock (zero = workload start).</summary>
    public ScheduledNemesis(RaftTestCluster cluster, FaultSchedule schedule, FaultLog log, Stopwatch clock)
    {
        _cluster = cluster;
        _schedule = schedule;
        _log = log;
        _clock = clock;
        _members = [.. Enumerable.Range(1, cluster.ReplicaCount)];
    }

    /// <summary>Faults that could not be injected or healed (a harness failure: the run fails).</summary>
    public IReadOnlyList<string> Errors
    {
        get { lock (_gate) return _errors.ToArray(); }
    }

    /// <summary>How long past its planned end a write fault that has not fired yet stays armed: a
    /// write fault takes effect only when its replica writes, and a cluster may be idle a while (a
    /// killed silo's clients wait for their deadline).</summary>
    public static readonly TimeSpan ArmedGrace = TimeSpan.FromSeconds(15);

    /// <summary>Pause between one fault's heal and the next fault of a sequential schedule.</summary>
    public static readonly TimeSpan SequentialGap = TimeSpan.FromSeconds(1.5);

    /// <summary>
    /// Runs the schedule until its end or <paramref name="stop"/>; faults in effect then heal at once.
    /// A sequential schedule runs each fault only after the one before healed (plus
    /// <see cref="SequentialGap"/>), so faults never overlap even when one runs long.
    /// </summary>
    public async Task RunAsync(CancellationToken stop)
    {
        if (!_schedule.Sequential)
        {
            await Task.WhenAll(_schedule.Events.Select(e => RunEventAsync(e, e.At, stop)));
            return;
        }
        var free = TimeSpan.Zero;
        foreach (var e in _schedule.Events)
        {
            if (stop.IsCancellationRequested) return;
            var start = e.At > free ? e.At : free;
            await RunEventAsync(e, start, stop);
            free = _clock.Elapsed + SequentialGap;
        }
    }

    /// <summary>Heals everything, whoever caused it: resumes pauses, heals the network, clears storage
    /// faults, restarts every silo that is down, then restores the group's first configuration (every
    /// original replica a voter, a wiped one under its new incarnation, the spare removed).</summary>
    public async Task HealAllAsync()
    {
        _cluster.Hook.ResumeAll();
        _cluster.Network.Heal();
        _cluster.Storage.ClearAll();
        var down = _cluster.DownReplicas;
        await _cluster.RestartAllDownAsync();
        lock (_gate) _doomed.Clear();
        _log.Write(down.Count == 0 ? "healed everything" : $"healed everything; restarted replicas {string.Join(", ", down)}");
        await RestoreConfigurationAsync(FinalRestoreDeadline);
    }

    private async Task RunEventAsync(FaultEvent e, TimeSpan start, CancellationToken stop)
    {
        if (!await DelayUntilAsync(start, stop)) return;
        Injected? injected;
        try
        {
            injected = await ApplyAsync(e, new Random(e.Variant));
        }
        catch (Exception ex)
        {
            Error($"#{e.Id} {e.Spec}: could not inject: {ex.GetBaseException().GetType().Name}: {ex.GetBaseException().Message}");
            return;
        }
        if (injected is null) return;
        lock (_gate)
        {
            _inEffect[e.Id] = e.Spec;
            foreach (var (id, others) in _overlaps) if (id != e.Id) others.Add($"#{e.Id} {e.Spec}");
        }
        if (await DelayUntilAsync(start + e.Duration, stop) && injected.Fired is { } fired)
        {
            var deadline = start + e.Duration + ArmedGrace;
            while (!fired() && _clock.Elapsed < deadline && await DelayUntilAsync(_clock.Elapsed + TimeSpan.FromMilliseconds(100), stop)) { }
        }
        try
        {
            await injected.Heal();
        }
        catch (Exception ex)
        {
            Error($"#{e.Id} {e.Spec}: could not heal: {ex.GetBaseException().GetType().Name}: {ex.GetBaseException().Message}");
        }
        finally
        {
            lock (_gate) _inEffect.Remove(e.Id);
        }
    }

    /// <summary>The other faults in effect now (injected, not yet healed), for the log: membership changes are
    /// meant to run amid partitions, kills and pauses.</summary>
    private IReadOnlyList<string> OthersInEffect(FaultEvent e)
    {
        lock (_gate) return [.. _inEffect.Where(p => p.Key != e.Id).OrderBy(p => p.Key).Select(p => $"#{p.Key} {p.Value}")];
    }

    private async Task<bool> DelayUntilAsync(TimeSpan at, CancellationToken stop)
    {
        var wait = at - _clock.Elapsed;
        if (wait <= TimeSpan.Zero) return !stop.IsCancellationRequested;
        try
        {
            await Task.Delay(wait, stop);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Injects <paramref name="e"/>; returns how to heal it, or null when it was skipped.</summary>
    private Task<Injected?> ApplyAsync(FaultEvent e, Random random) => e.Spec.Kind switch
    {
        FaultKind.Kill or FaultKind.Stop => KillOrStopAsync(e, random),
        FaultKind.KillAfterWrite => KillAfterWriteAsync(e, random),
        FaultKind.Pause => PauseAsync(e, random),
        FaultKind.Isolate => IsolateAsync(e, random),
        FaultKind.Split => SplitAsync(e, random),
        FaultKind.CutOutbound or FaultKind.CutInbound => CutOneWayAsync(e, random),
        FaultKind.DelayAndLoss => Task.FromResult<Injected?>(DelayAndLoss(e, random)),
        FaultKind.StorageLatency => StorageLatencyAsync(e, random),
        FaultKind.FailedWrite or FaultKind.CrashAfterWrite => WriteFaultAsync(e, random),
        FaultKind.Reconfigure => ReconfigureAsync(e, random),
        FaultKind.Grow => GrowAsync(e),
        FaultKind.Wipe => WipeAsync(e, random),
        _ => throw new ArgumentOutOfRangeException(nameof(e), e.Spec.Kind, "unknown fault kind"),
    };

    private Injected Heal(FaultEvent e, Action heal) => new(() =>
    {
        heal();
        _log.Write($"#{e.Id} healed");
        return Task.CompletedTask;
    });

    private Injected? Skip(FaultEvent e, string why)
    {
        _log.Write($"#{e.Id} {e.Spec}: skipped: {why}");
        return null;
    }

    private void Error(string text)
    {
        _log.Write("ERROR " + text);
        lock (_gate) _errors.Add(text);
    }

    /// <summary>A fault in effect.</summary>
    /// <param name="Heal">Undoes it.</param>
    /// <param name="Fired">For a fault that waits for something (a write): whether it happened yet.</param>
    private sealed record Injected(Func<Task> Heal, Func<bool>? Fired = null);
}
