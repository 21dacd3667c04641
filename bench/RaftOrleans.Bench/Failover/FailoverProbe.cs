using System.Diagnostics;
using RaftOrleans.Bench.Load;
using RaftOrleans.Bench.Targets;

namespace RaftOrleans.Bench.Failover;

/// <summary>
/// A steady write stream: one write is sent every interval whether or not earlier ones have answered
/// (up to <see cref="MaxInFlight"/> outstanding), so a write stuck on a dead member never hides when
/// service resumes, while a slow cluster is never flooded by a backlog the probe itself made (a tick
/// with the cap reached sends nothing). Recovery is the time from the kill to the completion of the
/// first successful write SENT after the kill.
/// </summary>
public sealed class FailoverProbe(IKvTarget target, TimeSpan interval)
{
    /// <summary>Most writes outstanding at once.</summary>
    public const int MaxInFlight = 32;

    private readonly KeySpace _keys = new(100, 16, 100);
    private readonly List<Task> _writes = [];
    private readonly TaskCompletionSource<long> _recovered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _firstSuccess = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _killedAt = long.MaxValue;
    private long _succeeded;
    private long _failed;
    private long _succeededBeforeKill;
    private long _skipped;
    private readonly List<string> _sampleErrors = [];
    private Task _loop = Task.CompletedTask;
    private CancellationTokenSource? _stop;

    /// <summary>Writes that succeeded so far.</summary>
    public long Succeeded => Interlocked.Read(ref _succeeded);
    /// <summary>Writes that failed so far.</summary>
    public long Failed => Interlocked.Read(ref _failed);
    /// <summary>Ticks that sent nothing because <see cref="MaxInFlight"/> writes were outstanding.</summary>
    public long Skipped => Interlocked.Read(ref _skipped);

    /// <summary>The first few distinct error messages.</summary>
    public IReadOnlyList<string> SampleErrors
    {
        get
        {
            lock (_sampleErrors) return [.. _sampleErrors];
        }
    }

    /// <summary>Writes that succeeded before the kill was marked.</summary>
    public long SucceededBeforeKill => Interlocked.Read(ref _succeededBeforeKill);

    /// <summary>Starts sending writes.</summary>
    public void Start()
    {
        _stop = new CancellationTokenSource();
        _loop = SendLoopAsync(_stop.Token);
    }

    /// <summary>True once a write succeeded within <paramref name="deadline"/>; false if none did.</summary>
    public async Task<bool> WaitForFirstSuccessAsync(TimeSpan deadline, CancellationToken cancellationToken)
        => await Task.WhenAny(_firstSuccess.Task, Task.Delay(deadline, cancellationToken)) == _firstSuccess.Task;

    /// <summary>Marks the moment of the kill (a <see cref="Stopwatch"/> timestamp).</summary>
    public void MarkKill(long timestamp) => Interlocked.Exchange(ref _killedAt, timestamp);

    /// <summary>Waits for the first successful write sent after the kill; null if none within <paramref name="deadline"/>.</summary>
    public async Task<TimeSpan?> WaitForRecoveryAsync(TimeSpan deadline, CancellationToken cancellationToken)
    {
        var winner = await Task.WhenAny(_recovered.Task, Task.Delay(deadline, cancellationToken));
        return winner == _recovered.Task ? Stopwatch.GetElapsedTime(Interlocked.Read(ref _killedAt), _recovered.Task.Result) : null;
    }

    /// <summary>Stops sending and waits (bounded) for the writes still in flight.</summary>
    public async Task StopAsync(TimeSpan drain)
    {
        if (_stop is null) return;
        await _stop.CancelAsync();
        await _loop;
        Task[] pending;
        lock (_writes) pending = [.. _writes];
        await Task.WhenAny(Task.WhenAll(pending), Task.Delay(drain));
        _stop.Dispose();
        _stop = null;
    }

    private async Task SendLoopAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(interval);
        var n = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                lock (_writes)
                {
                    _writes.RemoveAll(t => t.IsCompleted);
                    if (_writes.Count >= MaxInFlight)
                    {
                        Interlocked.Increment(ref _skipped);
                        continue;
                    }
                    _writes.Add(WriteAsync(_keys.Key(n++ % _keys.Count)));
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }

    private async Task WriteAsync(string key)
    {
        var sent = Stopwatch.GetTimestamp();
        var result = await target.PutAsync(key, _keys.Value);
        var done = Stopwatch.GetTimestamp();
        if (!result.Served)
        {
            Interlocked.Increment(ref _failed);
            lock (_sampleErrors)
            {
                if (_sampleErrors.Count < 3 && !_sampleErrors.Contains(result.Error ?? "")) _sampleErrors.Add(result.Error ?? "");
            }
            return;
        }
        Interlocked.Increment(ref _succeeded);
        _firstSuccess.TrySetResult();
        if (sent >= Interlocked.Read(ref _killedAt)) _recovered.TrySetResult(done);
        else if (Interlocked.Read(ref _killedAt) == long.MaxValue) Interlocked.Increment(ref _succeededBeforeKill);
    }
}
