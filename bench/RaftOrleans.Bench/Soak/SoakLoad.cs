using System.Diagnostics;
using HdrHistogram;
using RaftOrleans.Bench.Load;
using RaftOrleans.Bench.Results;
using RaftOrleans.Bench.Targets;

namespace RaftOrleans.Bench.Soak;

/// <summary>
/// The soak's load: N closed-loop clients put random keys until the run's count of served puts is
/// reached. Each served put gets an ordinal in completion order, which places it in its part
/// (<see cref="TenthBuckets"/>); the put that completes a part stamps the part's end time and signals
/// it. The load can be paused (to time a restart on a quiet cluster); paused time is excluded from
/// the part it falls in.
/// </summary>
public sealed class SoakLoad
{
    private static readonly TimeSpan ErrorPause = TimeSpan.FromMilliseconds(10);
    private readonly IKvTarget _target;
    private readonly SoakSettings _settings;
    private readonly KeySpace _keys;
    private readonly TenthBuckets _parts;
    private readonly LongHistogram[] _latency;
    private readonly long[] _errorsIn;
    private readonly long[] _endedAt;
    private readonly long[] _pausedTicks;
    private readonly TaskCompletionSource[] _ended;
    private readonly byte[] _written;
    private readonly List<string> _sampleErrors = [];
    private TaskCompletionSource _gate = Open();
    private long _served;
    private long _errors;
    private int _inFlight;
    private long _startedAt;

    /// <summary>Prepares the load of <paramref name="settings"/> against <paramref name="target"/>.</summary>
    public SoakLoad(IKvTarget target, SoakSettings settings)
    {
        _target = target;
        _settings = settings;
        _keys = new KeySpace(settings.Keys, settings.KeySize, settings.ValueSize);
        _parts = new TenthBuckets(settings.Puts, settings.Parts);
        _latency = [.. Enumerable.Range(0, settings.Parts).Select(_ => new LongHistogram(WorkerStats.HighestTrackableMicroseconds, 3))];
        _errorsIn = new long[settings.Parts];
        _endedAt = new long[settings.Parts];
        _pausedTicks = new long[settings.Parts];
        _ended = [.. Enumerable.Range(0, settings.Parts).Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously))];
        _written = new byte[settings.Keys];
    }

    /// <summary>Puts served so far.</summary>
    public long Served => Math.Min(Interlocked.Read(ref _served), _settings.Puts);

    /// <summary>Puts failed so far.</summary>
    public long Errors => Interlocked.Read(ref _errors);

    /// <summary>True while paused.</summary>
    public bool Paused => !Volatile.Read(ref _gate).Task.IsCompleted;

    /// <summary>Seconds since the clients started.</summary>
    public double ElapsedSeconds => Stopwatch.GetElapsedTime(Interlocked.Read(ref _startedAt)).TotalSeconds;

    /// <summary>Completes when part <paramref name="part"/> (0-based) has ended.</summary>
    public Task PartEnded(int part) => _ended[part].Task;

    /// <summary>Runs every client until the run's count of puts is served, or until <paramref name="stop"/> is cancelled.</summary>
    public Task RunAsync(CancellationToken stop)
    {
        Interlocked.Exchange(ref _startedAt, Stopwatch.GetTimestamp());
        return Task.WhenAll(Enumerable.Range(0, _settings.Clients)
            .Select(i => Task.Run(() => ClientAsync(new Random(_settings.Seed * 7919 + i), stop), CancellationToken.None)));
    }

    /// <summary>
    /// Stops the clients from sending, waits until no put is in flight, runs <paramref name="quiet"/>,
    /// then lets the clients go on. The paused time is excluded from the current part's duration.
    /// </summary>
    public async Task<T> PauseAsync<T>(Func<Task<T>> quiet, CancellationToken cancellationToken)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // A full fence: a client that counts itself in flight after this sees the closed gate.
        Interlocked.Exchange(ref _gate, gate);
        var pausedAt = Stopwatch.GetTimestamp();
        try
        {
            while (Volatile.Read(ref _inFlight) > 0) await Task.Delay(TimeSpan.FromMilliseconds(2), cancellationToken);
            return await quiet();
        }
        finally
        {
            var part = CurrentPart();
            Interlocked.Add(ref _pausedTicks[part], Stopwatch.GetTimestamp() - pausedAt);
            gate.TrySetResult();
        }
    }

    /// <summary>Distinct keys written by served puts (read once the run is over).</summary>
    public long DistinctKeysWritten() => _written.Count(b => b != 0);

    /// <summary>Served puts in all, including those past the run's count.</summary>
    public long AllServed => Interlocked.Read(ref _served);

    /// <summary>A few error messages.</summary>
    public IReadOnlyList<string> SampleErrors
    {
        get
        {
            lock (_sampleErrors) return [.. _sampleErrors];
        }
    }

    /// <summary>The result of part <paramref name="part"/>, once it has ended.</summary>
    public TenthResult Part(int part, IReadOnlyList<MemberSample> members, MachineInfo machine)
    {
        var start = part == 0 ? Interlocked.Read(ref _startedAt) : _endedAt[part - 1];
        var paused = new TimeSpan(Interlocked.Read(ref _pausedTicks[part]) * TimeSpan.TicksPerSecond / Stopwatch.Frequency);
        var seconds = Math.Max(1e-6, (Stopwatch.GetElapsedTime(start, _endedAt[part]) - paused).TotalSeconds);
        LatencySummary latency;
        lock (_latency[part]) latency = LatencySummary.FromMicroseconds(_latency[part]);
        return new TenthResult
        {
            Tenth = part + 1,
            Operations = _parts.Size(part),
            Errors = Interlocked.Read(ref _errorsIn[part]),
            Seconds = seconds,
            PausedSeconds = paused.TotalSeconds,
            OpsPerSecond = _parts.Size(part) / seconds,
            LatencyMs = latency,
            EndedAtSeconds = Stopwatch.GetElapsedTime(Interlocked.Read(ref _startedAt), _endedAt[part]).TotalSeconds,
            Members = members,
            Machine = machine,
        };
    }

    private int CurrentPart() => _parts.Of(Math.Min(Interlocked.Read(ref _served) + 1, _settings.Puts));

    private static TaskCompletionSource Open()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        open.SetResult();
        return open;
    }

    private async Task ClientAsync(Random random, CancellationToken stop)
    {
        while (Interlocked.Read(ref _served) < _settings.Puts && !stop.IsCancellationRequested)
        {
            Interlocked.Increment(ref _inFlight);
            var gate = Volatile.Read(ref _gate);
            if (!gate.Task.IsCompleted)
            {
                Interlocked.Decrement(ref _inFlight);
                await gate.Task.WaitAsync(stop).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                continue;
            }
            var k = random.Next(_keys.Count);
            var started = Stopwatch.GetTimestamp();
            var result = await _target.PutAsync(_keys.Key(k), _keys.Value);
            var ended = Stopwatch.GetTimestamp();
            Interlocked.Decrement(ref _inFlight);
            if (result.Served)
            {
                _written[k] = 1;
                var n = Interlocked.Increment(ref _served);
                if (n > _settings.Puts) continue;
                var part = _parts.Of(n);
                var us = Math.Clamp((long)Stopwatch.GetElapsedTime(started, ended).TotalMicroseconds, 1, WorkerStats.HighestTrackableMicroseconds);
                lock (_latency[part]) _latency[part].RecordValue(us);
                if (_parts.EndsPart(n))
                {
                    _endedAt[part] = ended;
                    _ended[part].TrySetResult();
                }
            }
            else
            {
                Interlocked.Increment(ref _errors);
                Interlocked.Increment(ref _errorsIn[CurrentPart()]);
                var error = result.Error ?? "";
                lock (_sampleErrors)
                {
                    // Orleans' timeouts differ only in the message id after '#': one sample per kind of failure.
                    var kind = error.Split('#')[0];
                    if (_sampleErrors.Count < 5 && !_sampleErrors.Any(e => e.Split('#')[0] == kind)) _sampleErrors.Add(error);
                }
                await Task.Delay(ErrorPause, stop).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }
}
