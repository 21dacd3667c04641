using System.Diagnostics;
using System.Text;
using RaftOrleans.Nemesis.Tests.Checks;
using RaftOrleans.Nemesis.Tests.Faults;
using RaftOrleans.Testing.Workload;
using RaftOrleans.Testing.Cluster;
using RaftOrleans.Testing.History;

namespace RaftOrleans.Nemesis.Tests.Harness;

/// <summary>
/// One nemesis run, Jepsen style: start a cluster on durable storage, run the clients through the
/// real gateway while the nemesis runs the fault schedule, heal everything, let the replicas
/// converge, read every key, then check: the history is linearizable, no acknowledged write is
/// lost, every replica holds the same state and the same durable log, no two replicas ever applied
/// different entries at one index, and the store never gave an answer it should not.
/// </summary>
public static class NemesisRun
{
    /// <summary>The gateway's whole-request deadline in nemesis clusters: long enough to ride out an
    /// election after a kill, short enough that clients notice a stuck request.</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(8);

    /// <summary>How long a client waits for an answer before recording its operation indeterminate.</summary>
    public static readonly TimeSpan ClientDeadline = TimeSpan.FromSeconds(12);

    /// <summary>Fewer acknowledged writes than this means the run exercised nothing: it fails rather than pass vacuously.</summary>
    public const int MinimumAcknowledgedWrites = 10;

    /// <summary>Runs <paramref name="plan"/>; <paramref name="progress"/> receives a line per phase.</summary>
    public static async Task<NemesisRunReport> ExecuteAsync(RunPlan plan, Action<string>? progress = null)
    {
        progress ??= _ => { };
        var wall = Stopwatch.StartNew();
        var failures = new List<string>();
        var recorder = new HistoryRecorder();
        var stats = new WorkloadStats();
        var clock = new Stopwatch();
        var log = new FaultLog(clock);
        var details = new StringBuilder();
        Verification? verification = null;
        (long, long) messages = (0, 0);

        progress($"{plan}: starting cluster");
        var cluster = await RaftTestCluster.StartAsync(new RaftTestClusterOptions
        {
            Replicas = plan.Replicas,
            SpareSilos = RunPlan.SpareSilos,
            Seed = plan.Seed,
            RequestTimeout = RequestTimeout,
            AttemptTimeout = TimeSpan.FromSeconds(1),
            ClientResponseTimeout = ClientDeadline,
        });
        try
        {
            await cluster.WaitForLeaderAsync(TimeSpan.FromSeconds(60));
            progress($"{plan}: workload and faults for {plan.Duration.TotalSeconds:0.#} s");
            failures.AddRange(await RunUnderFaultsAsync(cluster, plan, recorder, stats, log, clock));

            progress($"{plan}: converging and checking {recorder.Count} operations");
            var keys = Enumerable.Range(0, plan.Keys).Select(WorkloadClient.KeyName).ToList();
            verification = await EndOfRun.VerifyAsync(cluster, recorder, keys, ClientDeadline);
            log.Write("checked");
            failures.AddRange(verification.Failures);
            failures.AddRange(Adequacy(plan, recorder.Snapshot(), log));
            messages = (cluster.Network.Dropped, cluster.Network.Delayed);
            progress($"{plan}: outcomes: {stats}");
            progress($"{plan}: checker: {verification.Checker}");
            progress($"{plan}: what the nemesis did:\n{log}");
            if (Environment.GetEnvironmentVariable("RAFTKV_NEMESIS_SILO_LOG") is { Length: > 0 } siloLog) File.WriteAllLines(siloLog, cluster.Logs.Recent(2000));
        }
        catch (Exception ex)
        {
            failures.Add($"harness error: {ex}");
        }
        finally
        {
            if (failures.Count > 0)
            {
                details.AppendLine("Planned faults:").Append(plan.Schedule);
                details.AppendLine("What the nemesis did:").Append(log);
                details.AppendLine("Cluster at the end:").Append(await cluster.DescribeAsync());
                details.AppendLine("History and log written to: " + WriteArtifacts(cluster, recorder, log));
            }
            await cluster.DisposeAsync();
            if (failures.Count == 0) TryDelete(cluster.DataDirectory);
        }

        return new NemesisRunReport
        {
            Plan = plan,
            Failures = failures,
            Operations = recorder.Count,
            Indeterminate = stats.Indeterminate,
            Outcomes = stats.ToString(),
            Faults = log.Injected,
            MembershipChanges = log.MembershipChanges,
            MembershipFaultsAmidOthers = log.MembershipFaultsAmidOthers,
            LinearizabilityViolations = verification?.Violations ?? 0,
            UndecidedKeys = verification?.Undecided ?? 0,
            LostWrites = verification?.LostWrites ?? 0,
            LogEntries = verification?.LogEntries ?? 0,
            Messages = messages,
            Elapsed = wall.Elapsed,
            Details = details.ToString(),
        };
    }

    /// <summary>Runs the clients and the fault schedule for the plan's duration, heals everything and
    /// stops the clients. Returns what went wrong on the way (nemesis errors, answers no correct store gives).</summary>
    private static async Task<IEnumerable<string>> RunUnderFaultsAsync(RaftTestCluster cluster, RunPlan plan, HistoryRecorder recorder, WorkloadStats stats, FaultLog log, Stopwatch clock)
    {
        var nemesis = new ScheduledNemesis(cluster, plan.Schedule, log, clock);
        var workload = new ClientWorkload(plan.Clients, plan.Seed, plan.Keys, () => cluster.Store, recorder, stats, ClientDeadline);
        clock.Start();
        using (var stop = new CancellationTokenSource())
        {
            workload.Start();
            var faults = nemesis.RunAsync(stop.Token);
            if (plan.Schedule.Sequential)
            {
                // An Alone run lasts as long as its faults take (a write fault waits for a write), within bounds.
                await Task.WhenAny(faults, Task.Delay(plan.Duration + ScheduledNemesis.ArmedGrace * 4));
            }
            else
            {
                await Task.Delay(plan.Duration);
            }
            stop.Cancel();
            await faults;
        }
        await nemesis.HealAllAsync();
        // Requests in flight get the gateway's whole deadline to finish once the cluster is whole again.
        await workload.StopAsync(RequestTimeout + TimeSpan.FromSeconds(2));
        log.Write($"workload stopped: {stats.Invoked} operations");
        return nemesis.Errors.Select(e => "nemesis: " + e).Concat(stats.Unexpected.Select(u => "unexpected answer: " + u)).ToList();
    }

    /// <summary>A run that exercised too little proves nothing: it fails instead of passing vacuously.</summary>
    private static IEnumerable<string> Adequacy(RunPlan plan, IReadOnlyList<HistoryOperation> history, FaultLog log)
    {
        var acknowledged = history.Count(op => op.Outcome == HistoryOutcome.Ok && op.Kind is HistoryOpKind.Put or HistoryOpKind.Cas);
        if (acknowledged < MinimumAcknowledgedWrites)
        {
            yield return $"only {acknowledged} writes were acknowledged (at least {MinimumAcknowledgedWrites} expected): the run exercised too little to prove anything";
        }
        if (plan.Mode == FaultMode.Alone)
        {
            var missing = plan.Schedule.Events.Select(e => e.Spec.ToString()).Where(spec => !log.Injected.ContainsKey(spec)).ToList();
            if (missing.Count > 0) yield return $"faults that never took effect: {string.Join(", ", missing)}";
        }
    }

    private static string WriteArtifacts(RaftTestCluster cluster, HistoryRecorder recorder, FaultLog log)
    {
        try
        {
            var directory = cluster.DataDirectory;
            File.WriteAllLines(Path.Combine(directory, "history.txt"), recorder.Snapshot().OrderBy(op => op.InvokeTime).Select(op => op.ToString()));
            File.WriteAllText(Path.Combine(directory, "faults.txt"), log.ToString());
            File.WriteAllLines(Path.Combine(directory, "silo-log.txt"), cluster.Logs.Recent(2000));
            return directory;
        }
        catch (Exception ex)
        {
            return "(not written: " + ex.Message + ")";
        }
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still open by a pooled connection; the temp directory is cleaned by the OS eventually.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
