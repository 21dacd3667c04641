using RaftOrleans.Testing.Linearizability;

namespace RaftOrleans.Consensus.Tests.Simulation;

/// <summary>What one seeded run did and found.</summary>
internal sealed record SimulationOutcome
{
    /// <summary>The seed.</summary>
    public required int Seed { get; init; }
    /// <summary>The options.</summary>
    public required SimulationOptions Options { get; init; }
    /// <summary>Events processed; safety was checked after each.</summary>
    public required long Steps { get; init; }
    /// <summary>Client operations in the history (all were checked for linearizability).</summary>
    public required int Operations { get; init; }
    /// <summary>Operations that got an answer.</summary>
    public required int Completed { get; init; }
    /// <summary>Leaders elected (distinct terms with a leader).</summary>
    public required int Elections { get; init; }
    /// <summary>Highest committed index.</summary>
    public required long Committed { get; init; }
    /// <summary>Crashes caused by the nemesis.</summary>
    public required int Crashes { get; init; }
    /// <summary>Pauses caused by the nemesis.</summary>
    public required int Pauses { get; init; }
    /// <summary>Disks wiped by the nemesis.</summary>
    public int Wipes { get; init; }
    /// <summary>Membership changes the leaders accepted.</summary>
    public int MembershipChanges { get; init; }
    /// <summary>Snapshots installed from a leader (InstallSnapshot) and log compactions, over all replicas.</summary>
    public int SnapshotsInstalled { get; init; }
    /// <summary>Log compactions over all replicas.</summary>
    public int Compactions { get; init; }
    /// <summary>Watch events the watch client checked.</summary>
    public long WatchEvents { get; init; }
    /// <summary>Times the watch client's start was compacted and it read the keyspace again.</summary>
    public int WatchRelists { get; init; }
    /// <summary>Partitions started.</summary>
    public required int Partitions { get; init; }
    /// <summary>The linearizability verdict (Undecided when the search ran out of budget), or null
    /// when a safety violation stopped the run before the history was checked.</summary>
    public required LinearizabilityVerdict? Linearizability { get; init; }
    /// <summary>Liveness signal, not a safety property: at the end every replica was up and had
    /// applied the same number of entries.</summary>
    public required bool Converged { get; init; }
    /// <summary>The violated invariant, or null.</summary>
    public string? Invariant { get; init; }
    /// <summary>The violation's description, or null.</summary>
    public string? Violation { get; init; }
    /// <summary>The last trace lines before the violation (or the end).</summary>
    public required IReadOnlyList<string> TraceTail { get; init; }

    /// <summary>True when a property failed.</summary>
    public bool Failed => Violation is not null;
}
