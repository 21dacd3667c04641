using System.Diagnostics;
using RaftOrleans.ProcessNemesis.Tests.Faults;
using RaftOrleans.Testing.Checks;
using RaftOrleans.Testing.History;
using RaftOrleans.Testing.Linearizability;
using RaftOrleans.Testing.Workload;

namespace RaftOrleans.ProcessNemesis.Tests.Harness;

/// <summary>
/// One process-nemesis run: start three silo processes and a spare (silo4), run the clients while the
/// nemesis runs a seeded schedule, heal (processes, then the configuration: the three original replicas
/// voters, the spare removed), let the members of the committed configuration converge, read every key,
/// then check that the history is linearizable, that no acknowledged write is lost, that no silo died on
/// its own (every silo not killed by the nemesis is still the process it was started as), that the store
/// gave no answer a correct store never gives, and that the run did change its membership.
/// </summary>
public static class ProcessNemesisRun
{
    /// <summary>How long a client waits for an answer before recording its operation indeterminate.</summary>
    public static readonly TimeSpan ClientDeadline = ProcessNemesisCluster.ClientResponseTimeout + TimeSpan.FromSeconds(1);

    /// <summary>How long the final heal may take to drive the configuration back to the original voters.</summary>
    public static readonly TimeSpan HealTimeout = TimeSpan.FromSeconds(90);

    /// <summary>Fewer acknowledged writes than this means the run exercised nothing: it fails rather than pass vacuously.</summary>
    public const int MinimumAcknowledgedWrites = 20;

    /// <summary>Runs seed <paramref name="seed"/>; <paramref name="progress"/> receives a line per phase.</summary>
    public static async Task<ProcessNemesisReport> ExecuteAsync(int seed, ProcessNemesisSettings settings, Action<string> progress)
    {
        var wall = Stopwatch.StartNew();
        var schedule = ProcessFaultSchedule.Generate(seed, settings.Duration);
        progress($"seed {seed}: {schedule}");
        var failures = new List<string>();
        var recorder = new HistoryRecorder();
        var stats = new WorkloadStats();
        var log = new ProcessFaultLog();
        var clusterText = "";
        var deaths = 0;
        var violations = 0;
        var lost = 0;

        var changes = 0;
        var wipes = 0;

        await using var cluster = await ProcessNemesisCluster.StartAsync(spares: 1);
        try
        {
            cluster.Clients.StartHealthChecks(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(2));
            log.Write($"cluster serving; pids {string.Join(", ", cluster.Silos.Select(s => $"{s.Name}={s.ProcessId}"))}");
            var nemesis = new Faults.ProcessNemesis(cluster, schedule, log);
            var workload = new ClientWorkload(settings.Clients, seed, settings.Keys, cluster.Clients.Next, recorder, stats, ClientDeadline);
            using (var stop = new CancellationTokenSource(settings.Duration + TimeSpan.FromSeconds(30)))
            {
                workload.Start();
                await nemesis.RunAsync(stop.Token);
            }
            nemesis.HealAll();
            // The configuration is healed while the clients still run: the final changes are made under load too.
            if (await nemesis.HealMembershipAsync(HealTimeout) is { } unhealed) failures.Add(unhealed);
            changes = nemesis.Membership.Changes;
            wipes = nemesis.Wipes;
            log.Write($"membership: {changes} committed changes seen, {nemesis.Membership.Answered} steps answered ok, {nemesis.Membership.Refused} refused or unanswered and retried, {wipes} data directories wiped");
            if (changes == 0) failures.Add("no membership change was made in the run: it did not exercise what it is for");
            await workload.StopAsync(ClientDeadline + TimeSpan.FromSeconds(2));
            log.Write($"workload stopped: {stats.Invoked} operations");
            failures.AddRange(nemesis.Errors.Select(e => "nemesis: " + e));
            failures.AddRange(stats.Unexpected.Select(u => "unexpected answer: " + u));

            progress($"seed {seed}: what the nemesis did:\n{log}");
            progress($"seed {seed}: converging and checking {recorder.Count} operations ({wall.Elapsed.TotalSeconds:0} s into the run)");
            if (await cluster.WaitConvergedAsync(TimeSpan.FromSeconds(90)) is { } stuck) failures.Add(stuck);
            else if (ProcessNemesisCluster.NewestLeader(await cluster.TryStatusAsync()) is { } leader
                && ProcessNemesisCluster.DescribeMembers(leader.Members) != $"voters [{string.Join(',', ProcessNemesisCluster.InitialVoters)}] learners []")
            {
                failures.Add($"converged on {ProcessNemesisCluster.DescribeMembers(leader.Members)}, not the healed configuration");
            }
            var keys = Enumerable.Range(0, settings.Keys).Select(WorkloadClient.KeyName).ToList();
            var finals = await FinalReads.ReadAllAsync(cluster.Clients.Next, recorder, keys, ClientDeadline, failures);

            var history = recorder.Snapshot();
            var result = LinearizabilityChecker.Check(history);
            if (!result.Ok) failures.Add(result.Explanation);
            violations = result.Keys.Count(k => k.Verdict == LinearizabilityVerdict.NotLinearizable);
            var undecided = result.Keys.Count(k => k.Verdict == LinearizabilityVerdict.Undecided);
            var lostWrites = AcknowledgedWrites.FindLost(history, finals);
            lost = lostWrites.Count;
            failures.AddRange(lostWrites);
            var siloDeaths = cluster.Deaths();
            deaths = siloDeaths.Count + nemesis.Errors.Count(e => e.Contains("died", StringComparison.Ordinal) || e.Contains("after SIGCONT", StringComparison.Ordinal));
            failures.AddRange(siloDeaths.Select(d => "silo died on its own: " + d));
            var acknowledged = Acknowledged(history);
            if (acknowledged < MinimumAcknowledgedWrites)
            {
                failures.Add($"only {acknowledged} writes were acknowledged (at least {MinimumAcknowledgedWrites} expected): the run exercised too little to prove anything");
            }
            progress($"seed {seed}: outcomes: {stats}; checker: {result.Explanation.Split('\n')[0].TrimEnd()}{(undecided > 0 ? $"; {undecided} keys undecided" : "")}");
        }
        catch (Exception ex)
        {
            failures.Add($"harness error: {ex}");
        }
        if (failures.Count > 0) clusterText = await cluster.DescribeAsync();

        var final = recorder.Snapshot();
        return new ProcessNemesisReport
        {
            Seed = seed,
            Failures = failures,
            Operations = final.Count,
            Indeterminate = stats.Indeterminate,
            AcknowledgedWrites = Acknowledged(final),
            Violations = violations,
            LostWrites = lost,
            SiloDeaths = deaths,
            MembershipChanges = changes,
            Wipes = wipes,
            Outcomes = stats.ToString(),
            Schedule = schedule.ToString(),
            Log = log.ToString(),
            Cluster = clusterText,
            Elapsed = wall.Elapsed,
        };
    }

    private static int Acknowledged(IReadOnlyList<HistoryOperation> history)
        => history.Count(op => op.Outcome == HistoryOutcome.Ok && op.Kind is HistoryOpKind.Put or HistoryOpKind.Cas);
}
