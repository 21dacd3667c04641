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

    /// <summary>Five replicas with frequent partitions of every mode, stalls of (mostly) the leader,
    /// a little loss, drifting clocks and impatient clients: stale leaders meet fresh ones.</summary>
    public static SimulationOptions FivePartitions { get; } = new()
    {
        Name = "five-partitions",
        Replicas = 5,
        Loss = 0.02,
        Reorder = 0.05,
        PartitionProbability = 0.25,
        PauseProbability = 0.15,
        CrashLeaderBias = 0.9,
        ClockDriftPercent = 30,
        Clients = 8,
        AttemptTimeoutTicks = 5,
    };

    /// <summary>Three replicas crashing and restarting from disk (leaders preferred, sometimes at
    /// once), some pauses.</summary>
    public static SimulationOptions ThreeCrashes { get; } = new()
    {
        Name = "three-crashes",
        Replicas = 3,
        Loss = 0.01,
        CrashProbability = 0.2,
        MaxCrashed = 1,
        RestartMinTicks = 0,
        PauseProbability = 0.05,
        ClockDriftPercent = 10,
        TransferProbability = 0.05,
    };

    /// <summary>Three replicas with everything at once, including majority crashes, pauses, clock
    /// drift, one entry per append and one append in flight (slow log repair).</summary>
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
        MaxEntriesPerMessage = 1,
        MaxInflightMessages = 1,
        TransferProbability = 0.05,
        Clients = 8,
        AttemptTimeoutTicks = 5,
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
        MaxEntriesPerMessage = 1,
        MaxInflightMessages = 1,
        TransferProbability = 0.05,
        Clients = 8,
        AttemptTimeoutTicks = 5,
    };

    /// <summary>Three replicas under a nemesis acting every 3 ticks: leader crashes with instant
    /// restarts, short partitions and stalls, lossy links, slow one-entry log repair, and ten
    /// impatient clients piling uncommitted entries onto leaders about to fall (paper Figure 8).</summary>
    public static SimulationOptions ThreeChaos { get; } = new()
    {
        Name = "three-chaos",
        Replicas = 3,
        Loss = 0.10,
        Duplication = 0.03,
        Reorder = 0.08,
        NemesisIntervalTicks = 3,
        PartitionProbability = 0.3,
        PartitionMinTicks = 3,
        PartitionMaxTicks = 30,
        CrashProbability = 0.2,
        CrashLeaderBias = 0.9,
        MaxCrashed = 2,
        RestartMinTicks = 0,
        RestartMaxTicks = 15,
        PauseProbability = 0.2,
        PauseMinTicks = 1,
        PauseMaxTicks = 10,
        ClockDriftPercent = 20,
        MaxEntriesPerMessage = 1,
        MaxInflightMessages = 1,
        TransferProbability = 0.05,
        Clients = 10,
        AttemptTimeoutTicks = 5,
    };

    /// <summary>Three replicas snapshotting and compacting every few dozen entries with a short tail, so a
    /// follower partitioned, paused or crashed for a while needs InstallSnapshot; tiny chunks and a small
    /// window, on a network that loses, duplicates and reorders them; crashes strike mid-install and
    /// mid-compaction (torn crashes).</summary>
    public static SimulationOptions ThreeSnapshots { get; } = new()
    {
        Name = "three-snapshots",
        Replicas = 3,
        Loss = 0.05,
        Duplication = 0.05,
        Reorder = 0.10,
        PartitionProbability = 0.25,
        PartitionMinTicks = 20,
        PartitionMaxTicks = 100,
        CrashProbability = 0.15,
        CrashLeaderBias = 0.3,
        MaxCrashed = 1,
        RestartMaxTicks = 80,
        PauseProbability = 0.05,
        ClockDriftPercent = 10,
        TransferProbability = 0.03,
        Clients = 8,
        AttemptTimeoutTicks = 5,
        SnapshotEveryEntries = 12,
        TrailingEntries = 3,
        MaxSnapshotChunkBytes = 48,
        MaxInflightSnapshotChunks = 2,
    };

    /// <summary>Five replicas with partitions of every mode, crashes (two at once), pauses and lossy links,
    /// compacting often so returning replicas are caught up by snapshot.</summary>
    public static SimulationOptions FiveSnapshots { get; } = new()
    {
        Name = "five-snapshots",
        Replicas = 5,
        Loss = 0.05,
        Duplication = 0.03,
        Reorder = 0.08,
        PartitionProbability = 0.2,
        PartitionMaxTicks = 100,
        CrashProbability = 0.15,
        MaxCrashed = 2,
        RestartMaxTicks = 80,
        PauseProbability = 0.08,
        ClockDriftPercent = 20,
        TransferProbability = 0.05,
        Clients = 8,
        AttemptTimeoutTicks = 5,
        SnapshotEveryEntries = 16,
        TrailingEntries = 2,
        MaxSnapshotChunkBytes = 64,
        MaxInflightSnapshotChunks = 3,
    };

    /// <summary>Three replicas where one disk is replaced (wiped, restarted blank under its old id) amid crashes of
    /// (mostly) the leader, stalls, partitions and compaction: the issue #13 scenario's ingredients at random.</summary>
    public static SimulationOptions ThreeWipes { get; } = new()
    {
        Name = "three-wipes",
        Replicas = 3,
        Loss = 0.02,
        Reorder = 0.05,
        PartitionProbability = 0.08,
        CrashProbability = 0.15,
        CrashLeaderBias = 0.8,
        MaxCrashed = 1,
        RestartMinTicks = 0,
        PauseProbability = 0.12,
        WipeProbability = 0.05,
        ClockDriftPercent = 10,
        RestartMaxTicks = 100,
        SnapshotEveryEntries = 8,
        TrailingEntries = 0,
        Clients = 5,
    };

    /// <summary>Three voters and two spares, with frequent membership changes (spares added as learners and promoted,
    /// members removed, down to two voters) amid partitions, crashes (torn ones too), stalls, loss, reordering and
    /// compaction, so new members often catch up by InstallSnapshot.</summary>
    public static SimulationOptions Membership { get; } = new()
    {
        Name = "membership",
        Replicas = 5,
        InitialVoters = 3,
        MembershipChangeProbability = 0.35,
        Loss = 0.03,
        Duplication = 0.02,
        Reorder = 0.05,
        PartitionProbability = 0.12,
        CrashProbability = 0.12,
        CrashLeaderBias = 0.6,
        MaxCrashed = 1,
        RestartMinTicks = 0,
        PauseProbability = 0.08,
        ClockDriftPercent = 10,
        TransferProbability = 0.03,
        SnapshotEveryEntries = 10,
        TrailingEntries = 2,
        Clients = 5,
    };

    /// <summary>Membership changes where a disk is replaced: the wiped replica is excluded until the nemesis removes it
    /// and adds it again (the documented way back), mixed with crashes, stalls and partitions.</summary>
    public static SimulationOptions MembershipWipes { get; } = Membership with
    {
        Name = "membership-wipes",
        WipeProbability = 0.05,
        MaxWipes = 2,
        PartitionProbability = 0.08,
        // A wiped voter in a group of two leaves no majority to remove it with: unavailable for good, as in etcd.
        MinVoters = 3,
    };

    /// <summary>Every configuration, in the order seeds are assigned.</summary>
    public static IReadOnlyList<SimulationOptions> All { get; } =
        [ThreeLossy, FivePartitions, ThreeCrashes, ThreeMixed, FiveMixed, ThreeChaos, ThreeSnapshots, FiveSnapshots, ThreeWipes, Membership, MembershipWipes];

    /// <summary>The configuration named <paramref name="name"/>; throws listing the valid names otherwise.</summary>
    public static SimulationOptions Find(string name) =>
        All.FirstOrDefault(o => o.Name == name)
        ?? throw new ArgumentException($"Unknown simulation config '{name}'; use one of: {string.Join(", ", All.Select(o => o.Name))}.");
}
