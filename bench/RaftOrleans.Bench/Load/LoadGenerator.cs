using System.Diagnostics;
using HdrHistogram;
using RaftOrleans.Bench.Results;
using RaftOrleans.Bench.Targets;

namespace RaftOrleans.Bench.Load;

/// <summary>
/// Runs N logical clients against one target: each client has one operation in flight at a time
/// (closed loop), first for the warm-up, then for the measured duration. An operation counts when
/// it completes inside the measured window; its latency goes into the client's histogram.
/// </summary>
public sealed class LoadGenerator
{
    private const int PhaseWarmup = 0;
    private const int PhaseMeasure = 1;
    private const int PhaseStop = 2;
    /// <summary>Pause after a failed operation, so a dead target does not turn a client into a busy loop.</summary>
    private static readonly TimeSpan ErrorPause = TimeSpan.FromMilliseconds(10);

    private readonly IKvTarget _target;
    private readonly LoadSettings _settings;
    private readonly KeySpace _keys;
    private readonly CasMemory _cas;
    private long _completed;
    private long _errors;
    private long _casCounter;
    private int _phase;
    private long _windowStart;
    private long _windowEnd = long.MaxValue;

    /// <summary>Prepares a run of <paramref name="settings"/> against <paramref name="target"/>.</summary>
    public LoadGenerator(IKvTarget target, LoadSettings settings)
    {
        _target = target;
        _settings = settings;
        _keys = new KeySpace(settings.Keys, settings.KeySize, settings.ValueSize);
        _cas = new CasMemory(_keys.Value);
    }

    /// <summary>Writes every key once (for workloads that read or compare), with up to 32 clients.</summary>
    public async Task PreloadAsync(CancellationToken cancellationToken)
    {
        var next = -1;
        var failures = 0;
        var writers = Enumerable.Range(0, Math.Min(32, _keys.Count)).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < _keys.Count && !cancellationToken.IsCancellationRequested)
            {
                var r = await _target.PutAsync(_keys.Key(i), _keys.Value);
                if (!r.Served && Interlocked.Increment(ref failures) == 1)
                {
                    Console.Error.WriteLine($"preload: write of {_keys.Key(i)} failed: {r.Error}");
                }
            }
        });
        await Task.WhenAll(writers);
        if (failures > 0) throw new InvalidOperationException($"preload: {failures} of {_keys.Count} writes failed");
    }

    /// <summary>Runs the warm-up and the measured window; returns the merged result.</summary>
    public async Task<RunResult> RunAsync(string? label, CancellationToken cancellationToken)
    {
        var machine = MachineInfo.Current();
        var workers = Enumerable.Range(0, _settings.Clients).Select(i => new WorkerStats()).ToArray();
        using var progressStop = new CancellationTokenSource();
        var title = $"[{_target.Name} {_settings.Workload.Name()} c={_settings.Clients}]";
        var progress = new ProgressLine(title, () => (
            Interlocked.Read(ref _completed),
            Interlocked.Read(ref _errors),
            Volatile.Read(ref _phase) == PhaseWarmup ? "warmup" : "measure")).RunAsync(progressStop.Token);

        var loops = workers.Select((stats, i) => Task.Run(() => ClientLoopAsync(stats, new Random(_settings.Seed * 7919 + i)), CancellationToken.None)).ToArray();

        // Phase changes are timed waits by design: the run's length IS the measurement.
        await Task.Delay(_settings.Warmup, cancellationToken);
        Interlocked.Exchange(ref _windowStart, Stopwatch.GetTimestamp());
        var startedUtc = DateTime.UtcNow;
        Volatile.Write(ref _phase, PhaseMeasure);
        await Task.Delay(_settings.Duration, cancellationToken);
        Interlocked.Exchange(ref _windowEnd, Stopwatch.GetTimestamp());
        Volatile.Write(ref _phase, PhaseStop);
        var measured = Stopwatch.GetElapsedTime(_windowStart, _windowEnd);

        await Task.WhenAll(loops);
        await progressStop.CancelAsync();
        await progress;

        var latency = new LongHistogram(WorkerStats.HighestTrackableMicroseconds, 3);
        foreach (var w in workers) latency.Add(w.Latency);
        var served = workers.Sum(w => w.Served);
        return new RunResult
        {
            Target = _target.Name,
            Workload = _settings.Workload.Name(),
            Clients = _settings.Clients,
            DurationSeconds = measured.TotalSeconds,
            WarmupSeconds = _settings.Warmup.TotalSeconds,
            KeySize = _settings.KeySize,
            ValueSize = _settings.ValueSize,
            Keys = _settings.Keys,
            Operations = served,
            OpsPerSecond = served / measured.TotalSeconds,
            Errors = workers.Sum(w => w.Errors),
            NotFound = workers.Sum(w => w.NotFound),
            Conflicts = workers.Sum(w => w.Conflicts),
            LatencyMs = LatencySummary.FromMicroseconds(latency),
            SampleErrors = [.. workers.SelectMany(w => w.SampleErrors).Distinct().Take(5)],
            StartedUtc = startedUtc,
            Machine = machine,
            Label = label,
        };
    }

    private async Task ClientLoopAsync(WorkerStats stats, Random random)
    {
        while (Volatile.Read(ref _phase) != PhaseStop)
        {
            var started = Stopwatch.GetTimestamp();
            var result = await OneOperationAsync(random);
            var ended = Stopwatch.GetTimestamp();
            Interlocked.Increment(ref _completed);
            if (!result.Served) Interlocked.Increment(ref _errors);

            // Only operations that complete inside the measured window count.
            if (ended >= Interlocked.Read(ref _windowStart) && Volatile.Read(ref _phase) != PhaseWarmup && ended <= Interlocked.Read(ref _windowEnd))
            {
                switch (result.Outcome)
                {
                    case OpOutcome.Error:
                        stats.Errors++;
                        if (stats.SampleErrors.Count < 3) stats.SampleErrors.Add(result.Error ?? "unknown error");
                        break;
                    case OpOutcome.NotFound:
                        stats.NotFound++;
                        goto default;
                    case OpOutcome.Conflict:
                        stats.Conflicts++;
                        goto default;
                    default:
                        stats.Served++;
                        stats.Record((long)Stopwatch.GetElapsedTime(started, ended).TotalMicroseconds);
                        break;
                }
            }
            if (!result.Served) await Task.Delay(ErrorPause);
        }
    }

    private Task<OpResult> OneOperationAsync(Random random)
    {
        var key = _keys.Key(random.Next(_keys.Count));
        return _settings.Workload switch
        {
            Workload.Put => _target.PutAsync(key, _keys.Value),
            Workload.Get => _target.GetAsync(key, stale: false),
            Workload.StaleGet => _target.GetAsync(key, stale: true),
            Workload.Cas => CasAsync(key),
            Workload.Mixed => random.Next(100) < _settings.ReadPercent ? _target.GetAsync(key, stale: false) : _target.PutAsync(key, _keys.Value),
            _ => throw new InvalidOperationException($"unknown workload {_settings.Workload}"),
        };
    }

    private async Task<OpResult> CasAsync(string key)
    {
        var newValue = _keys.DistinctValue(Interlocked.Increment(ref _casCounter));
        var result = await _target.CompareAndSwapAsync(key, _cas.Expected(key), newValue);
        if (result.Outcome == OpOutcome.Ok) _cas.Saw(key, newValue);
        else if (result.Outcome == OpOutcome.Conflict) _cas.Saw(key, result.Value);
        return result;
    }
}
