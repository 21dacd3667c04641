using System.Diagnostics;
using RaftOrleans.Bench.Failover;
using RaftOrleans.Bench.Load;

namespace RaftOrleans.Bench.Soak;

/// <summary>
/// One point of the key-count sweep: writes every key of the key space once with the run's clients
/// (so a million-key run really holds a million keys, which a 30 s run of random puts would not
/// reach), then runs the measured put load (<see cref="LoadGenerator"/>, its warm-up first) over the
/// same keys.
/// </summary>
public sealed class KeySweepRunner(IFailoverCluster cluster, MemberSet? members, LoadSettings settings, TimeSpan healthyDeadline)
{
    /// <summary>Runs the point; throws when a preload write fails for good or the cluster is never healthy.</summary>
    public async Task<KeySweepResult> RunAsync(string? label, CancellationToken cancellationToken)
    {
        await HealthWaiter.WaitAsync(cluster.UnhealthyReasonAsync, healthyDeadline, cancellationToken);
        var keys = new KeySpace(settings.Keys, settings.KeySize, settings.ValueSize);
        var clock = Stopwatch.StartNew();
        var written = await PreloadAsync(keys, cancellationToken);
        var preload = clock.Elapsed;
        Console.Error.WriteLine($"[keys {cluster.Target.Name} k={settings.Keys}] preload: {written:N0} keys in {preload.TotalSeconds:0.0} s ({written / preload.TotalSeconds:N0} puts/s)");
        var run = await new LoadGenerator(cluster.Target, settings).RunAsync(label, cancellationToken);
        return new KeySweepResult
        {
            Target = cluster.Target.Name,
            Keys = settings.Keys,
            DistinctKeysWritten = written,
            PreloadSeconds = preload.TotalSeconds,
            PreloadOpsPerSecond = written / preload.TotalSeconds,
            Run = run,
            Members = members?.Sample() ?? [],
        };
    }

    /// <summary>
    /// Every key once, in order, from <c>settings.Clients</c> writers; a failed write is retried (after
    /// a pause, so a failing target is not hammered) up to a bound, so every key really gets written.
    /// Returns the keys written.
    /// </summary>
    private async Task<long> PreloadAsync(KeySpace keys, CancellationToken cancellationToken)
    {
        const int attempts = 5;
        var next = -1;
        long written = 0;
        string? lastError = null;
        var writers = Enumerable.Range(0, Math.Min(settings.Clients, keys.Count)).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < keys.Count && !cancellationToken.IsCancellationRequested)
            {
                for (var attempt = 1; attempt <= attempts; attempt++)
                {
                    var r = await cluster.Target.PutAsync(keys.Key(i), keys.Value);
                    if (r.Served)
                    {
                        Interlocked.Increment(ref written);
                        break;
                    }
                    Volatile.Write(ref lastError, r.Error);
                    await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
                }
            }
        }, CancellationToken.None));
        await Task.WhenAll(writers);
        cancellationToken.ThrowIfCancellationRequested();
        if (written != keys.Count) throw new InvalidOperationException($"preload wrote {written} of {keys.Count} keys (last error: {lastError})");
        return written;
    }
}
