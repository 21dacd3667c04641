using System.Globalization;
using RaftOrleans.Bench.Failover;
using RaftOrleans.Bench.Results;

namespace RaftOrleans.Bench.Soak;

/// <summary>
/// One target's soak: waits for a healthy cluster, runs the load, samples every member at the end of
/// each part and once a second, and measures the followers' returns: a restart after the first part
/// (load paused), a follower stopped after the middle part and started again after the run, and a
/// restart after the run.
/// </summary>
public sealed class SoakRunner(IFailoverCluster cluster, ICatchUpProbe probe, MemberSet members, SoakSettings settings)
{
    private static readonly TimeSpan TimelineInterval = TimeSpan.FromSeconds(1);

    /// <summary>Runs the soak; throws when the cluster is never healthy or a member cannot be stopped or started.</summary>
    public async Task<SoakResult> RunAsync(string? label, CancellationToken cancellationToken)
    {
        var machine = MachineInfo.Current();
        await HealthWaiter.WaitAsync(cluster.UnhealthyReasonAsync, settings.HealthyDeadline, cancellationToken);
        var timer = new CatchUpTimer(probe, members, settings.CatchUpDeadline);
        var load = new SoakLoad(cluster.Target, settings);
        var startedUtc = DateTime.UtcNow;
        var timeline = new List<TimelinePoint>();
        using var stopTimeline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var clients = load.RunAsync(cancellationToken);
        var sampler = SampleTimelineAsync(load, timeline, stopTimeline.Token);

        var tenths = new List<TenthResult>();
        var catchUps = new List<CatchUpResult>();
        string? stopped = null;
        long? stoppedIndex = null;
        long stoppedAt = 0;
        for (var part = 0; part < settings.Parts; part++)
        {
            if (await Task.WhenAny(load.PartEnded(part), clients) == clients && !load.PartEnded(part).IsCompleted)
            {
                await clients; // a client failed: surface its exception
                throw new InvalidOperationException($"the load ended before part {part + 1}");
            }
            var tenth = load.Part(part, members.Sample(), MachineInfo.Current());
            tenths.Add(tenth);
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"[soak {cluster.Target.Name}] part {tenth.Tenth}/{settings.Parts}: {tenth.OpsPerSecond:N0} ops/s p99 {tenth.LatencyMs.P99:0.0} ms errors {tenth.Errors}; ")
                + string.Join(", ", tenth.Members.Select(m => $"{m.Member} {Mib(m.RssBytes)} RSS {Mib(m.DiskBytes)} disk")));

            if (part == 0)
            {
                var follower = await FollowerAsync(cancellationToken);
                catchUps.Add(await load.PauseAsync(() => timer.RestartAsync(CatchUpKinds.RestartAtStart, follower, load.Served, cancellationToken), cancellationToken));
            }
            if (part == settings.Parts / 2 - 1)
            {
                stopped = await FollowerAsync(cancellationToken);
                stoppedIndex = await timer.AppliedOrNullAsync(stopped, cancellationToken);
                stoppedAt = System.Diagnostics.Stopwatch.GetTimestamp();
                await members.KillAsync(stopped, cancellationToken);
                Console.Error.WriteLine($"[soak {cluster.Target.Name}] {stopped} stopped (kill -9) for the rest of the run, at applied index {stoppedIndex?.ToString(CultureInfo.InvariantCulture) ?? "unknown"}");
            }
        }
        await clients;
        var seconds = tenths.Sum(t => t.Seconds);

        if (stopped is not null)
        {
            catchUps.Add(await timer.StartAsync(CatchUpKinds.Returning, stopped, load.Served, stoppedAt, stoppedIndex, cancellationToken));
        }
        await HealthWaiter.WaitAsync(cluster.UnhealthyReasonAsync, settings.HealthyDeadline, cancellationToken);
        var last = await FollowerAsync(cancellationToken);
        catchUps.Add(await timer.RestartAsync(CatchUpKinds.RestartAtEnd, last, load.Served, cancellationToken));
        await HealthWaiter.WaitAsync(cluster.UnhealthyReasonAsync, settings.HealthyDeadline, cancellationToken);
        var final = members.Sample();

        await stopTimeline.CancelAsync();
        await sampler;
        return new SoakResult
        {
            Target = cluster.Target.Name,
            Puts = settings.Puts,
            Clients = settings.Clients,
            Keys = settings.Keys,
            KeySize = settings.KeySize,
            ValueSize = settings.ValueSize,
            DistinctKeysWritten = load.DistinctKeysWritten(),
            PutsServed = load.AllServed,
            Errors = load.Errors,
            Seconds = seconds,
            Tenths = tenths,
            Timeline = timeline,
            CatchUps = catchUps,
            Final = final,
            SampleErrors = load.SampleErrors,
            StartedUtc = startedUtc,
            Machine = machine,
            Label = label,
        };
    }

    private async Task<string> FollowerAsync(CancellationToken cancellationToken)
        => await cluster.FindAsync(VictimKind.Follower, cancellationToken) ?? throw new InvalidOperationException("no follower found");

    private async Task SampleTimelineAsync(SoakLoad load, List<TimelinePoint> timeline, CancellationToken stop)
    {
        using var tick = new PeriodicTimer(TimelineInterval);
        try
        {
            do
            {
                var point = new TimelinePoint { Seconds = load.ElapsedSeconds, Served = load.Served, Errors = load.Errors, Paused = load.Paused, Members = members.Sample() };
                lock (timeline) timeline.Add(point);
            }
            while (await tick.WaitForNextTickAsync(stop));
        }
        catch (OperationCanceledException)
        {
            // The soak is over.
        }
    }

    private static string Mib(long? bytes) => bytes is { } b ? (b / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture) + " MiB" : "down";
}
