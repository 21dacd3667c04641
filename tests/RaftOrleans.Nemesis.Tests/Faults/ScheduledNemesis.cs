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
public sealed class ScheduledNemesis
{
    private readonly RaftTestCluster _cluster;
    private readonly FaultSchedule _schedule;
    private readonly FaultLog _log;
    private readonly Stopwatch _clock;
    private readonly object _gate = new();
    private readonly HashSet<int> _doomed = [];
    private readonly List<string> _errors = [];

    /// <summary>Creates a nemesis; <paramref name="clock"/> is the run's clock (zero = workload start).</summary>
    public ScheduledNemesis(RaftTestCluster cluster, FaultSchedule schedule, FaultLog log, Stopwatch clock)
    {
        _cluster = cluster;
        _schedule = schedule;
        _log = log;
        _clock = clock;
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
    /// faults, restarts every silo that is down.</summary>
    public async Task HealAllAsync()
    {
        _cluster.Hook.ResumeAll();
        _cluster.Network.Heal();
        _cluster.Storage.ClearAll();
        var down = _cluster.DownReplicas;
        await _cluster.RestartAllDownAsync();
        lock (_gate) _doomed.Clear();
        _log.Write(down.Count == 0 ? "healed everything" : $"healed everything; restarted replicas {string.Join(", ", down)}");
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
    private async Task<Injected?> ApplyAsync(FaultEvent e, Random random)
    {
        var n = _cluster.ReplicaCount;
        var network = _cluster.Network;
        var storage = _cluster.Storage;
        switch (e.Spec.Kind)
        {
            case FaultKind.Kill:
            case FaultKind.Stop:
            {
                var (r, role) = await ResolveAsync(e.Spec.Target, random);
                if (r == 0 || !TryDoom(r)) return Skip(e, $"replica {r} is down or a minority is already down");
                var graceful = e.Spec.Kind == FaultKind.Stop;
                var took = Stopwatch.StartNew();
                var done = graceful ? await _cluster.StopReplicaSiloAsync(r) : await _cluster.KillReplicaSiloAsync(r);
                if (!done)
                {
                    Undoom(r);
                    return Skip(e, $"silo of replica {r} was already down");
                }
                _log.Took(e, $"{(graceful ? "stopped" : "killed")} {RaftTestCluster.SiloName(r)} ({role}) in {took.ElapsedMilliseconds} ms");
                return new Injected(async () =>
                {
                    await _cluster.RestartReplicaSiloAsync(r);
                    Undoom(r);
                    _log.Write($"#{e.Id} healed: restarted {RaftTestCluster.SiloName(r)}");
                });
            }
            case FaultKind.Isolate:
            {
                var (r, role) = await ResolveAsync(e.Spec.Target, random);
                if (r == 0) return Skip(e, "no replica up");
                var id = network.Isolate(r, n);
                _log.Took(e, $"isolated replica {r} ({role})");
                return Heal(e, () => network.Remove(id));
            }
            case FaultKind.Split:
            {
                var (leader, role) = await ResolveAsync(FaultTarget.Leader, random);
                var size = Math.Max(1, (n - 1) / 2);
                var others = Enumerable.Range(1, n).Where(i => i != leader).OrderBy(_ => random.Next()).ToList();
                var minority = e.Spec.Target == FaultTarget.Leader
                    ? others.Take(size - 1).Append(leader).ToHashSet()
                    : others.Take(size).ToHashSet();
                var id = network.Split(minority, n);
                _log.Took(e, $"split minority {{{string.Join(", ", minority.Order())}}} from the rest (leader {leader}, {role})");
                return Heal(e, () => network.Remove(id));
            }
            case FaultKind.CutOutbound:
            case FaultKind.CutInbound:
            {
                var (r, role) = await ResolveAsync(e.Spec.Target, random);
                if (r == 0) return Skip(e, "no replica up");
                var others = Enumerable.Range(1, n).Where(i => i != r).ToList();
                var outbound = e.Spec.Kind == FaultKind.CutOutbound;
                var id = outbound ? network.CutOneWay(r, others) : network.Cut(others.Select(o => (o, r)));
                _log.Took(e, $"replica {r} ({role}) {(outbound ? "cannot send to" : "cannot hear from")} its peers");
                return Heal(e, () => network.Remove(id));
            }
            case FaultKind.DelayAndLoss:
            {
                var loss = 0.05 + random.NextDouble() * 0.25;
                var delayShare = 0.2 + random.NextDouble() * 0.5;
                var maxDelay = TimeSpan.FromMilliseconds(20 + random.Next(280));
                var id = network.AddNoise(loss, delayShare, maxDelay);
                _log.Took(e, $"every link drops {loss:P0} and delays {delayShare:P0} of messages by up to {maxDelay.TotalMilliseconds:0} ms");
                return Heal(e, () => network.Remove(id));
            }
            case FaultKind.StorageLatency:
            {
                var replicas = e.Spec.Target == FaultTarget.All ? Enumerable.Range(1, n).ToList() : [(await ResolveAsync(e.Spec.Target, random)).Replica];
                var min = TimeSpan.FromMilliseconds(5 + random.Next(25));
                var max = min + TimeSpan.FromMilliseconds(50 + random.Next(250));
                foreach (var r in replicas) storage.SetLatency(RaftTestCluster.SiloName(r), min, max);
                _log.Took(e, $"storage of replicas {string.Join(", ", replicas)} takes {min.TotalMilliseconds:0}–{max.TotalMilliseconds:0} ms per call");
                return Heal(e, () =>
                {
                    foreach (var r in replicas) storage.ClearLatency(RaftTestCluster.SiloName(r));
                });
            }
            case FaultKind.FailedWrite:
            case FaultKind.CrashAfterWrite:
            {
                var (r, role) = await ResolveAsync(e.Spec.Target, random);
                if (r == 0) return Skip(e, "no replica up");
                var silo = RaftTestCluster.SiloName(r);
                var failed = e.Spec.Kind == FaultKind.FailedWrite;
                var count = 1 + random.Next(3);
                var firedBefore = storage.Fired(silo);
                if (failed) storage.FailNextWrites(silo, count);
                else storage.CrashAfterNextWrite(silo);
                _log.Write($"#{e.Id} {e.Spec}: armed: " + (failed ? $"next {count} storage writes of replica {r} ({role}) fail" : $"replica {r} ({role}) crashes after its next storage write lands"));
                bool Fired() => storage.Fired(silo) > firedBefore;
                return new Injected(() =>
                {
                    // It took effect only if a write came while it was armed.
                    storage.DisarmWrites(silo);
                    if (Fired()) _log.Took(e, "fired; healed");
                    else _log.Write($"#{e.Id} healed: did not fire (no write)");
                    return Task.CompletedTask;
                }, Fired);
            }
            case FaultKind.KillAfterWrite:
            {
                var (r, role) = await ResolveAsync(e.Spec.Target, random);
                if (r == 0 || !TryDoom(r)) return Skip(e, $"replica {r} is down or a minority is already down");
                var silo = RaftTestCluster.SiloName(r);
                var firedBefore = storage.Fired(silo);
                storage.KillSiloAfterNextWrite(silo);
                _log.Write($"#{e.Id} {e.Spec}: armed: {silo} ({role}) is killed after its next storage write lands");
                bool Fired() => storage.Fired(silo) > firedBefore;
                return new Injected(async () =>
                {
                    storage.DisarmWrites(silo);
                    var fired = Fired();
                    if (fired)
                    {
                        // The kill runs on its own once the write lands; wait for it before restarting.
                        var until = Stopwatch.StartNew();
                        while (_cluster.IsUp(r) && until.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(50);
                        await _cluster.RestartReplicaSiloAsync(r);
                    }
                    Undoom(r);
                    if (fired) _log.Took(e, $"{silo} was killed after a write; healed: restarted");
                    else _log.Write($"#{e.Id} healed: did not fire (no write)");
                }, Fired);
            }
            case FaultKind.Pause:
            {
                var (r, role) = await ResolveAsync(e.Spec.Target, random);
                if (r == 0 || !_cluster.Hook.Pause(r)) return Skip(e, $"replica {r} is down or already paused");
                _log.Took(e, $"paused replica {r} ({role})");
                return Heal(e, () => _cluster.Hook.Resume(r));
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(e), e.Spec.Kind, "unknown fault kind");
        }
    }

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

    /// <summary>Resolves a target among the replicas whose silo is up; 0 when none is.</summary>
    private async Task<(int Replica, string Role)> ResolveAsync(FaultTarget target, Random random)
    {
        var up = Enumerable.Range(1, _cluster.ReplicaCount).Where(_cluster.IsUp).ToList();
        if (up.Count == 0) return (0, "none up");
        if (target is FaultTarget.FirstSilo) return (1, "first silo");
        if (target is FaultTarget.Random or FaultTarget.All) return (up[random.Next(up.Count)], "random");

        var statuses = await _cluster.ReplicaStatusesAsync(TimeSpan.FromSeconds(1));
        // A paused replica still reports the role it had when paused: it is not the leader anyone hears.
        var leader = statuses
            .Where(s => s.Error is null && s.Role == "Leader" && !_cluster.Hook.IsPaused(s.Replica) && up.Contains(s.Replica))
            .MaxBy(s => s.Term);
        if (target is FaultTarget.Leader)
        {
            return leader is null ? (up[random.Next(up.Count)], "no leader known: random") : (leader.Replica, $"leader in term {leader.Term}");
        }
        var followers = up.Where(r => r != leader?.Replica).ToList();
        return followers.Count == 0 ? (0, "no follower up") : (followers[random.Next(followers.Count)], leader is null ? "no leader known: random" : $"follower of {leader.Replica}");
    }

    private bool TryDoom(int replica)
    {
        lock (_gate)
        {
            if (_doomed.Contains(replica) || _doomed.Count >= (_cluster.ReplicaCount - 1) / 2) return false;
            _doomed.Add(replica);
            return true;
        }
    }

    private void Undoom(int replica)
    {
        lock (_gate) _doomed.Remove(replica);
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
