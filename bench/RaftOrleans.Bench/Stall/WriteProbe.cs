using System.Diagnostics;
using System.Globalization;
using RaftOrleans.Grains;
using RaftOrleans.Testing.Workload.Processes;

namespace RaftOrleans.Bench.Stall;

/// <summary>
/// The write loop of part (a): a few writers, each putting increasing sequence numbers to its own
/// key through the healthy gateways, so the benchmark knows the latest acknowledged value of each
/// key at any moment and when writes succeed again after a pause begins.
/// </summary>
public sealed class WriteProbe(GatewayClients clients, int writers, TimeSpan deadline)
{
    private readonly object _gate = new();
    private readonly List<(long Invoked, long Completed)> _acks = [];
    private readonly long[] _lastAcknowledged = new long[writers];
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
        while (!stop.IsCancellationRequested)
        {
            sequence++;
            var invoked = Stopwatch.GetTimestamp();
            try
            {
                var response = await clients.Next().PutAsync(Key(writer), sequence.ToString(CultureInfo.InvariantCulture)).WaitAsync(deadline, stop);
                if (response.Status == KvStatusCode.Ok)
                {
                    var completed = Stopwatch.GetTimestamp();
                    lock (_gate)
                    {
                        _acks.Add((invoked, completed));
                        _lastAcknowledged[writer] = Math.Max(_lastAcknowledged[writer], sequence);
                    }
                }
            }
            catch (Exception)
            {
                // No answer in time: the next write goes on; only acknowledgements are measured.
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
