namespace RaftOrleans.Consensus.Tests.Simulation;

/// <summary>The named configurations the CI run cycles through; <c>RAFT_SIM_CONFIG</c> picks one.</summary>
internal static class SimulationConfigs
{
    /// <summary>Three replicas on a lossy, duplicating, reordering network, slightly drifting clocks; no partitions or crashes.</summary>
    public static SimulationOptions ThreeLossy { get; } = new()
    {
        Name = "three-lossy",
        Replicas = 3,
        Loss = 0.10,
        Duplication = 0.05,
        Reorder = 0.10,
        ClockDriftPercent = 10,
    };

    /// <summary>Five replicas with frequent partitions of every mode, a little loss and strongly drifting clocks.</summary>
    public static SimulationOptions FivePartitions { get; } = new()
    {
        Name = "five-partitions",
        Replicas = 5,
        Loss = 0.02,
        Reorder = 0.05,
        PartitionProbability = 0.25,
        ClockDriftPercent = 30,
    };

    /// <summary>Three replicas crashing and restarting from disk (leaders preferred), some pauses.</summary>
    public static SimulationOptions ThreeCrashes { get; } = new()
    {
        Name = "three-crashes",
        Replicas = 3,
        Loss = 0.01,
        CrashProbability = 0.2,
        MaxCrashed = 1,
        PauseProbability = 0.05,
        ClockDriftPercent = 10,
        TransferProbability = 0.05,
    };

    /// <summary>Three replicas with everything at once, including majority crashes, pauses and clock drift.</summary>
    public static SimulationOptions ThreeMixed { get; } = new()
    {
        Name = "three-mixed",
        Replicas = 3,
        Loss = 0.05,
        Duplication = 0.03,
        Reorder = 0.08,
        PartitionProbability = 0.15,
        CrashProbability = 0.12,
        MaxCrashed = 2,
        PauseProbability = 0.08,
        ClockDriftPercent = 20,
        MaxEntriesPerMessage = 2,
        TransferProbability = 0.05,
        Clients = 4,
    };

    /// <summary>Five replicas with everything at once, including pauses and clock drift.</summary>
    public static SimulationOptions FiveMixed { get; } = new()
    {
        Name = "five-mixed",
        Replicas = 5,
        Loss = 0.05,
        Duplication = 0.03,
        Reorder = 0.08,
        PartitionProbability = 0.15,
        CrashProbability = 0.12,
        MaxCrashed = 2,
        PauseProbability = 0.08,
        ClockDriftPercent = 20,
        MaxEntriesPerMessage = 2,
        TransferProbability = 0.05,
        Clients = 5,
    };

    /// <summary>Every configuration, in the order seeds are assigned.</summary>
    public static IReadOnlyList<SimulationOptions> All { get; } = [ThreeLossy, FivePartitions, ThreeCrashes, ThreeMixed, FiveMixed];

    /// <summary>The configuration named <paramref name="name"/>; throws listing the valid names otherwise.</summary>
    public static SimulationOptions Find(string name) =>
        All.FirstOrDefault(o => o.Name == name)
        ?? throw new ArgumentException($"Unknown simulation config '{name}'; use one of: {string.Join(", ", All.Select(o => o.Name))}.");
}
