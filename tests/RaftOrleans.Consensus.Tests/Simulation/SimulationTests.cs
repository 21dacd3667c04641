using RaftOrleans.Testing.Linearizability;
using Xunit;
using Xunit.Abstractions;

namespace RaftOrleans.Consensus.Tests.Simulation;

/// <summary>
/// The seeded simulation sweep (default 2000 seeds over every configuration) and single-seed replay.
/// See <see cref="SimulationSettings"/> for the environment variables.
/// </summary>
[Collection(SimulationCollection.Name)]
public sealed class SimulationTests(ITestOutputHelper output)
{
    [Fact]
    public void Seeded_simulation_finds_no_safety_or_linearizability_violation()
    {
        SimulationSettings settings = SimulationSettings.FromEnvironment();
        if (settings.Seed is int seed)
        {
            Replay(seed, settings);
            return;
        }

        IReadOnlyList<SimulationOptions> configs = settings.Configurations;
        var runs = Enumerable.Range(1, settings.Seeds).Select(s => (s, configs[(s - 1) % configs.Count])).ToList();
        SimulationSweep sweep = SimulationRunner.Sweep(runs);

        output.WriteLine(sweep.Summary);
        foreach (var config in sweep.Outcomes.GroupBy(o => o.Options.Name))
        {
            output.WriteLine($"  {config.Key}: {config.Count()} seeds, {config.Sum(o => o.Steps)} steps, {config.Sum(o => o.Operations)} ops "
                + $"({config.Sum(o => o.Completed)} completed), {config.Sum(o => o.Elections)} elections, {config.Sum(o => o.Crashes)} crashes, {config.Sum(o => o.Wipes)} wipes, {config.Sum(o => o.MembershipChanges)} membership changes, "
                + $"{config.Sum(o => o.Partitions)} partitions, {config.Sum(o => o.Pauses)} pauses, {config.Count(o => o.Converged)} converged at the end, "
                + $"{config.Sum(o => o.Compactions)} compactions, {config.Sum(o => o.SnapshotsInstalled)} snapshots installed, "
                + $"{config.Sum(o => o.WatchEvents)} watch events checked ({config.Sum(o => o.WatchRelists)} relists after a compacted start), "
                + $"{config.Count(o => o.Failed)} violations");
        }
        if (settings.SummaryFile is string file) File.AppendAllText(file, sweep.Summary + Environment.NewLine);

        if (sweep.Failures.Count > 0)
        {
            Assert.Fail(SimulationRunner.Report(sweep.Failures[0])
                + $"{sweep.Failures.Count} failing seeds in all: {string.Join(", ", sweep.Failures.Take(20).Select(f => $"{f.Seed} ({f.Options.Name}, {f.Invariant})"))}");
        }
        Assert.Equal(0, sweep.Undecided);
        // A sweep that elects nobody or completes no client operation would check nothing.
        foreach (var config in sweep.Outcomes.GroupBy(o => o.Options.Name))
        {
            Assert.All(config, o => Assert.True(o.Elections > 0, $"seed {o.Seed} ({o.Options.Name}) never elected a leader"));
            double completedPerSeed = config.Average(o => o.Completed);
            Assert.True(completedPerSeed >= 50, $"{config.Key}: only {completedPerSeed:0.0} completed client operations per seed");
            // A membership configuration whose leaders never changed the group would check none of it.
            if (config.First().Options.MembershipChangeProbability > 0)
            {
                double changesPerSeed = config.Average(o => o.MembershipChanges);
                Assert.True(changesPerSeed >= 3, $"{config.Key}: only {changesPerSeed:0.00} membership changes per seed");
            }
            // A snapshot configuration whose followers never needed InstallSnapshot would check none of it.
            if (config.First().Options.SnapshotEveryEntries > 0)
            {
                double installsPerSeed = config.Average(o => o.SnapshotsInstalled);
                Assert.True(installsPerSeed >= 1, $"{config.Key}: only {installsPerSeed:0.00} snapshots installed per seed");
            }
        }
    }

    [Fact]
    public void A_seed_replays_identically()
    {
        var first = new SimulationTrace(keepAll: true);
        var second = new SimulationTrace(keepAll: true);

        SimulationOutcome a = Simulation.Run(17, SimulationConfigs.FiveMixed, first);
        SimulationOutcome b = Simulation.Run(17, SimulationConfigs.FiveMixed, second);

        Assert.False(a.Failed, a.Violation);
        Assert.True(first.Count > 1000, $"only {first.Count} trace lines");
        Assert.Equal(first.All(), second.All());
        Assert.Equal((a.Steps, a.Operations, a.Completed, a.Committed), (b.Steps, b.Operations, b.Completed, b.Committed));
    }

    [Fact]
    public void Different_seeds_take_different_paths()
    {
        var first = new SimulationTrace(keepAll: true);
        var second = new SimulationTrace(keepAll: true);

        Simulation.Run(1, SimulationConfigs.ThreeMixed, first);
        Simulation.Run(2, SimulationConfigs.ThreeMixed, second);

        Assert.NotEqual(first.All(), second.All());
    }

    [Fact]
    public void A_failing_seed_is_reported_with_its_replay_command_and_trace()
    {
        SimulationOptions options = SimulationConfigs.FiveMixed with { Faults = SimulatedFault.SkipAppendConsistencyCheck };

        SimulationOutcome? failure = SimulationRunner.FirstFailure(options, budget: 20);

        Assert.NotNull(failure);
        string report = SimulationRunner.Report(failure);
        Assert.Contains($"Simulation found a log matching violation: seed {failure.Seed}, config five-mixed.", report);
        Assert.Contains($"Replay: RAFT_SIM_SEED={failure.Seed} RAFT_SIM_CONFIG=five-mixed RAFT_SIM_FAULT=SkipAppendConsistencyCheck dotnet test", report);
        Assert.Contains("Options: SimulationOptions { Name = five-mixed, Replicas = 5,", report);
        Assert.Contains("VIOLATION log matching violated", report);
        Assert.True(failure.TraceTail.Count >= 20, $"only {failure.TraceTail.Count} trace lines");
    }

    private void Replay(int seed, SimulationSettings settings)
    {
        var failures = new List<SimulationOutcome>();
        foreach (SimulationOptions options in settings.Configurations)
        {
            var trace = new SimulationTrace(keepAll: true);
            SimulationOutcome outcome = Simulation.Run(seed, options, trace);
            output.WriteLine($"=== seed {seed}, config {options.Name}: {options}");
            foreach (string line in trace.All()) output.WriteLine(line);
            output.WriteLine($"=== {outcome.Steps} steps, {outcome.Operations} ops ({outcome.Completed} completed), "
                + $"{outcome.Elections} elections, committed {outcome.Committed}, linearizability {outcome.Linearizability?.ToString() ?? "not checked"}"
                + (outcome.Failed ? $", VIOLATION of {outcome.Invariant}" : ""));
            if (outcome.Failed) failures.Add(outcome);
        }
        if (failures.Count > 0) Assert.Fail(SimulationRunner.Report(failures[0]));
    }
}
