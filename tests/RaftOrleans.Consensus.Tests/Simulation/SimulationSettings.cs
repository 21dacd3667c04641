namespace RaftOrleans.Consensus.Tests.Simulation;

/// <summary>
/// What to run, from environment variables:
/// <c>RAFT_SIM_SEED</c> replays one seed with a full trace; <c>RAFT_SIM_CONFIG</c> restricts to one
/// configuration; <c>RAFT_SIM_SEEDS</c> sets how many seeds the sweep runs (default 2000, spread over
/// every configuration); <c>RAFT_SIM_FAULT</c> switches on deliberate bugs (names of
/// <see cref="SimulatedFault"/>, comma-separated) to replay a fault-injection finding;
/// <c>RAFT_SIM_SUMMARY_FILE</c> names a file the summary line is appended to.
/// </summary>
internal sealed record SimulationSettings
{
    /// <summary>Seeds the CI sweep runs by default.</summary>
    public const int DefaultSeeds = 2000;

    public int? Seed { get; init; }
    public string? Config { get; init; }
    public int Seeds { get; init; } = DefaultSeeds;
    public SimulatedFault Faults { get; init; }
    public string? SummaryFile { get; init; }

    public static SimulationSettings FromEnvironment() => new()
    {
        Seed = Environment.GetEnvironmentVariable("RAFT_SIM_SEED") is { Length: > 0 } seed ? ParseInt("RAFT_SIM_SEED", seed) : null,
        Config = Environment.GetEnvironmentVariable("RAFT_SIM_CONFIG") is { Length: > 0 } config ? config : null,
        Seeds = Environment.GetEnvironmentVariable("RAFT_SIM_SEEDS") is { Length: > 0 } seeds ? ParseInt("RAFT_SIM_SEEDS", seeds) : DefaultSeeds,
        Faults = Environment.GetEnvironmentVariable("RAFT_SIM_FAULT") is { Length: > 0 } fault
            ? Enum.Parse<SimulatedFault>(fault, ignoreCase: true)
            : SimulatedFault.None,
        SummaryFile = Environment.GetEnvironmentVariable("RAFT_SIM_SUMMARY_FILE") is { Length: > 0 } file ? file : null,
    };

    /// <summary>The configurations to run.</summary>
    public IReadOnlyList<SimulationOptions> Configurations =>
        (Config is null ? SimulationConfigs.All : [SimulationConfigs.Find(Config)])
            .Select(o => Faults == SimulatedFault.None ? o : o with { Faults = Faults })
            .ToList();

    /// <summary>The command that replays <paramref name="seed"/> under <paramref name="options"/> alone.</summary>
    public static string ReplayCommand(int seed, SimulationOptions options) =>
        $"RAFT_SIM_SEED={seed} RAFT_SIM_CONFIG={options.Name}"
        + (options.Faults == SimulatedFault.None ? "" : $" RAFT_SIM_FAULT={options.Faults.ToString().Replace(" ", "")}")
        + " dotnet test tests/RaftOrleans.Consensus.Tests --filter \"FullyQualifiedName~Simulation.SimulationTests\""
        + " --logger \"console;verbosity=detailed\"";

    private static int ParseInt(string name, string value) =>
        int.TryParse(value, out int parsed) && parsed > 0 ? parsed : throw new ArgumentException($"{name} must be a positive integer, was '{value}'.");
}
