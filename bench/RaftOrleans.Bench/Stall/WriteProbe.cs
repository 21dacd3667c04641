using System.Diagnostics;
using System.Globalization;
using RaftOrleans.Grains;
using RaftOrleans.Testing.History;
using RaftOrleans.Testing.Workload.Processes;

namespace RaftOrleans.Bench.Stall;

/// <summary>
/// The write loop of part (a): a few writers, each putting increasing sequence numbers to its own
/// key through the healthy gateways, so the benchmark knows the latest acknowledged value of each
/// key at any moment and when writes succeed again after a pause begins. Every write is recorded in
/// <see cref="History"/> (a write that gets no answer is indeterminate: it may still be applied
/// later, for example by a resumed silo's gateway retrying it), so reads can be checked exactly.
/// </summary>
public sealed class WriteProbe(GatewayClients clients, int writers, TimeSpan deadline)
{
    private readonly object _gate = new();
    private readonly List<(long Invoked, long Completed)> _acks = [];
    private readonly long[] _lastAcknowledged = new long[writers];
    private readonly HashSet<(int Writer, long Sequence)> _acknowledged = [];

    /// <summary>Every probe write (and the reads the trials add).</summary>
    public HistoryRecorder History { get; } = new();
    private readonly CancellationTokenSource _stop = new();
    private Task _running = Task.CompletedTask;

    /// <summary>The key writer <paramref name="writer"/> writes.</summary>
    public static string Key(int writer) => "stall-probe-" + writer.ToString(CultureInfo.InvariantCulture);

    /// <summary>Writers in the loop.</summary>
    public int Writers => writers;

    /// <summary>Starts the writers.</summary>
    public void Start()
        => _running = Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(() => WriteLoopAsync(w, _stop.Token))));

    /// <summary>The highest sequence number acknowledged so far for writer <paramref name="writer"/>'s key.</summary>
    public long LastAcknowledged(int writer)
    {
        lock (_gate) return _lastAcknowledged[writer];
    }

    /// <summary>True when writer <paramref name="writer"/>'s write of <paramref name="sequence"/> was acknowledged.</summary>
    public bool WasAcknowledged(int writer, long sequence)
    {
        lock (_gate) return _acknowledged.Contains((writer, sequence));
    }

    /// <summary>Time from <paramref name="since"/> (a <see cref="Stopwatch"/> timestamp) to the first
    /// acknowledgement of a write invoked at or after it, or null when there is none yet.</summary>
    public TimeSpan? FirstWriteAfter(long since)
    {
        lock (_gate)
        {
            var first = _acks.Where(a => a.Invoked >= since).Select(a => (long?)a.Completed).Min();
            return first is { } completed ? Stopwatch.GetElapsedTime(since, completed) : null;
        }
    }

    /// <summary>Stops the writers.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _running;
    }

    private async Task WriteLoopAsync(int writer, CancellationToken stop)
    {
        long sequence = 0;
        var process = writer;
        while (!stop.IsCancellationRequested)
        {
            sequence++;
            var value = sequence.ToString(CultureInfo.InvariantCulture);
            var handle = History.Invoke(process, HistoryOpKind.Put, Key(writer), value);
            var invoked = Stopwatch.GetTimestamp();
            var acknowledged = false;
            try
            {
                var response = await clients.Next().PutAsync(Key(writer), value).WaitAsync(deadline, stop);
                if (response.Status == KvStatusCode.Ok)
                {
                    var completed = Stopwatch.GetTimestamp();
                    History.Complete(handle, HistoryOutcome.Ok);
                    acknowledged = true;
                    lock (_gate)
                    {
                        _acks.Add((invoked, completed));
                        _acknowledged.Add((writer, sequence));
                        _lastAcknowledged[writer] = Math.Max(_lastAcknowledged[writer], sequence);
                    }
                }
            }
            catch (Exception)
            {
                // No answer in time: the next write goes on; only acknowledgements are measured.
            }
            if (!acknowledged)
            {
                History.MarkIndeterminate(handle);
                // The write may still be applied later: a new process keeps one open operation per process.
                process += writers;
            }
            try
            {
                // The probe's write interval.
                await Task.Delay(TimeSpan.FromMilliseconds(10), stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
