using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using RaftOrleans.Testing.Linearizability;

namespace RaftOrleans.Consensus.Tests.Simulation;

/// <summary>The result of a sweep over many seeds.</summary>
internal sealed record SimulationSweep(IReadOnlyList<SimulationOutcome> Outcomes, int Configurations, TimeSpan Elapsed)
{
    public long Steps => Outcomes.Sum(o => o.Steps);
    public long Operations => Outcomes.Sum(o => (long)o.Operations);
    public long Completed => Outcomes.Sum(o => (long)o.Completed);
    public IReadOnlyList<SimulationOutcome> Failures => Outcomes.Where(o => o.Failed).OrderBy(o => o.Seed).ToList();
    public int Undecided => Outcomes.Count(o => o.Linearizability == LinearizabilityVerdict.Undecided && !o.Failed);

    /// <summary>The one-line summary printed and appended to <c>RAFT_SIM_SUMMARY_FILE</c>.</summary>
    public string Summary => string.Create(CultureInfo.InvariantCulture,
        $"simulation: {Outcomes.Count} seeds ({Configurations} configs), {Steps} steps, {Operations} client ops checked for linearizability "
        + $"({Completed} completed), {Failures.Count} violations, {Undecided} undecided, "
        + $"{Outcomes.Count / Math.Max(Elapsed.TotalMinutes, 1e-9):0} seeds/min ({Elapsed.TotalSeconds:0.0} s)");
}

/// <summary>Runs seeds in parallel (each seed is independent and single-threaded) and reports.</summary>
internal static class SimulationRunner
{
    /// <summary>Runs every (seed, options) pair.</summary>
    public static SimulationSweep Sweep(IReadOnlyList<(int Seed, SimulationOptions Options)> runs)
    {
        var stopwatch = Stopwatch.StartNew();
        var outcomes = new ConcurrentBag<SimulationOutcome>();
        Parallel.For(0, runs.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
            i => outcomes.Add(WithTraceIfFailed(Simulation.Run(runs[i].Seed, runs[i].Options))));
        return new SimulationSweep(outcomes.OrderBy(o => o.Seed).ToList(), runs.Select(r => r.Options.Name).Distinct().Count(), stopwatch.Elapsed);
    }

    /// <summary>
    /// Runs seeds 1..<paramref name="budget"/> under <paramref name="options"/> and returns the lowest
    /// failing seed's outcome, or null. Seeds above a failure already found are skipped, so the answer
    /// is the same however the work is scheduled.
    /// </summary>
    public static SimulationOutcome? FirstFailure(SimulationOptions options, int budget)
    {
        var failures = new ConcurrentBag<SimulationOutcome>();
        int lowest = int.MaxValue;
        Parallel.For(1, budget + 1, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, seed =>
        {
            if (seed > Volatile.Read(ref lowest)) return;
            SimulationOutcome outcome = Simulation.Run(seed, options);
            if (!outcome.Failed) return;
            failures.Add(WithTraceIfFailed(outcome));
            int seen;
            while (seed < (seen = Volatile.Read(ref lowest)) && Interlocked.CompareExchange(ref lowest, seed, seen) != seen) { }
        });
        return failures.OrderBy(o => o.Seed).FirstOrDefault();
    }

    /// <summary>Runs are deterministic, so a failing seed is simply run again with a trace to show
    /// what led to the failure; sweeps stay trace-free and fast.</summary>
    private static SimulationOutcome WithTraceIfFailed(SimulationOutcome outcome) =>
        outcome.Failed ? Simulation.Run(outcome.Seed, outcome.Options, new SimulationTrace(capacity: 200)) : outcome;

    /// <summary>The failure report: seed, options, replay command, violation and the trace tail.</summary>
    public static string Report(SimulationOutcome failure)
    {
        var text = new StringBuilder();
        text.AppendLine($"Simulation found a {failure.Invariant} violation: seed {failure.Seed}, config {failure.Options.Name}.");
        text.AppendLine(failure.Violation);
        text.AppendLine($"Options: {failure.Options}");
        text.AppendLine($"Replay: {SimulationSettings.ReplayCommand(failure.Seed, failure.Options)}");
        text.AppendLine($"Last {failure.TraceTail.Count} trace lines:");
        foreach (string line in failure.TraceTail) text.Append("  ").AppendLine(line);
        return text.ToString();
    }
}
