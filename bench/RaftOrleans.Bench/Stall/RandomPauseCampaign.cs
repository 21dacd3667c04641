using System.Globalization;
using RaftOrleans.Testing.Checks;
using RaftOrleans.Testing.History;
using RaftOrleans.Testing.Linearizability;
using RaftOrleans.Testing.Workload;
using RaftOrleans.Testing.Workload.Processes;

namespace RaftOrleans.Bench.Stall;

/// <summary>
/// Part (b): random pause/resume cycles of random silos under the mixed workload the nemesis uses
/// (gets, puts, swaps, deletes over a few keys, every operation recorded). At the end: silo deaths,
/// linearizability violations (the shared checker), lost acknowledged writes (the shared check),
/// and the share of operations answered.
/// </summary>
public sealed class RandomPauseCampaign(GatewayClients clients, SiloPids pids, StallSettings settings, TextWriter output)
{
    /// <summary>Runs the cycles and returns the table rows.</summary>
    public async Task<IReadOnlyList<StallRow>> RunAsync(CancellationToken cancellationToken)
    {
        await StallHealth.WaitHealthyAsync(clients, pids.Names.Count, settings.HealthDeadline, cancellationToken);
        var random = new Random(settings.Seed);
        var recorder = new HistoryRecorder();
        var stats = new WorkloadStats();
        var deadline = settings.ResponseTimeout + TimeSpan.FromSeconds(1);
        var workload = new ClientWorkload(settings.Clients, settings.Seed, settings.Keys, clients.Next, recorder, stats, deadline);
        var resumeProblems = new List<string>();
        workload.Start();
        for (var cycle = 1; cycle <= settings.Cycles; cycle++)
        {
            var name = pids.Names[random.Next(pids.Names.Count)];
            var pause = TimeSpan.FromSeconds(Math.Round(settings.CyclePauseSeconds.Min + (settings.CyclePauseSeconds.Max - settings.CyclePauseSeconds.Min) * random.NextDouble(), 1));
            var pid = pids.Pid(name);
            PosixProcess.Pause(pid);
            // The pause itself: the fault lasts this long.
            await Task.Delay(pause, cancellationToken);
            PosixProcess.Resume(pid);
            var same = pids.SameProcess(name);
            if (!same) resumeProblems.Add($"cycle {cycle}: {name} (pid {pid}) is not running as the same process after SIGCONT");
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  cycle {cycle}: paused {name} (pid {pid}) {pause.TotalSeconds:0.0} s; {(same ? "same process" : "NOT the same process")}; {stats.Invoked} operations so far"));
            // Quiet time after a resume, part of the schedule.
            await Task.Delay(settings.CycleGap, cancellationToken);
        }
        await workload.StopAsync(deadline + TimeSpan.FromSeconds(2));

        var failures = new List<string>();
        try
        {
            await StallHealth.WaitHealthyAsync(clients, pids.Names.Count, settings.HealthDeadline, cancellationToken);
        }
        catch (TimeoutException e)
        {
            failures.Add(e.Message);
        }
        var keys = Enumerable.Range(0, settings.Keys).Select(WorkloadClient.KeyName).ToList();
        var finals = await FinalReads.ReadAllAsync(clients.Next, recorder, keys, deadline, failures);
        var history = recorder.Snapshot();
        var check = LinearizabilityChecker.Check(history);
        var violations = check.Keys.Count(k => k.Verdict == LinearizabilityVerdict.NotLinearizable);
        var undecided = check.Keys.Count(k => k.Verdict == LinearizabilityVerdict.Undecided);
        var lost = AcknowledgedWrites.FindLost(history, finals);
        var deaths = pids.Deaths();
        var answered = stats.Invoked - stats.Indeterminate;
        var percent = stats.Invoked == 0 ? 0 : 100.0 * answered / stats.Invoked;
        output.WriteLine($"  outcomes: {stats}");
        output.WriteLine($"  checker: {check.Explanation.Split('\n')[0].TrimEnd()}");
        foreach (var line in failures.Concat(resumeProblems).Concat(deaths).Concat(lost).Concat(stats.Unexpected)) output.WriteLine($"  problem: {line}");
        if (!check.Ok) output.WriteLine(check.Explanation);
        return
        [
            new StallRow($"(b) silo deaths in {settings.Cycles} random pause/resume cycles ({settings.CyclePauseSeconds.Min:0}-{settings.CyclePauseSeconds.Max:0} s)",
                (deaths.Count + resumeProblems.Count).ToString(CultureInfo.InvariantCulture), "0", deaths.Count + resumeProblems.Count == 0),
            new StallRow($"(b) linearizability violations ({history.Count} operations, {settings.Keys} keys)",
                $"{violations}{(undecided > 0 ? $" ({undecided} keys undecided)" : "")}", "0", violations == 0 && undecided == 0),
            new StallRow("(b) lost acknowledged writes", lost.Count.ToString(CultureInfo.InvariantCulture), "0", lost.Count == 0 && failures.Count == 0),
            new StallRow("(b) operations answered (not timed out or unavailable)",
                string.Create(CultureInfo.InvariantCulture, $"{percent:0.00}% ({answered}/{stats.Invoked})"), "≥ 95%", percent >= 95 && stats.Unexpected.Count == 0),
        ];
    }
}
