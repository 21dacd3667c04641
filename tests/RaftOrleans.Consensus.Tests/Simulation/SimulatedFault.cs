namespace RaftOrleans.Consensus.Tests.Simulation;

/// <summary>
/// The deliberate bugs of <see cref="RaftFaults"/> as a flags value, so a fault switch is part of the
/// printable, comparable <see cref="SimulationOptions"/> record.
/// </summary>
[Flags]
internal enum SimulatedFault
{
    /// <summary>No bug: the real algorithm.</summary>
    None = 0,
    /// <summary><see cref="RaftFaults.GrantVoteToStaleLog"/>.</summary>
    GrantVoteToStaleLog = 1,
    /// <summary><see cref="RaftFaults.DoubleVote"/>.</summary>
    DoubleVote = 2,
    /// <summary><see cref="RaftFaults.VoteNotPersisted"/>.</summary>
    VoteNotPersisted = 4,
    /// <summary><see cref="RaftFaults.CommitOldTermEntries"/>.</summary>
    CommitOldTermEntries = 8,
    /// <summary><see cref="RaftFaults.ReadIndexWithoutHeartbeat"/>.</summary>
    ReadIndexWithoutHeartbeat = 16,
    /// <summary><see cref="RaftFaults.SkipAppendConsistencyCheck"/>.</summary>
    SkipAppendConsistencyCheck = 32,
    /// <summary><see cref="RaftFaults.EverythingBeforePersist"/>.</summary>
    EverythingBeforePersist = 64,
    /// <summary><see cref="RaftFaults.CompactPastApplied"/>.</summary>
    CompactPastApplied = 128,
    /// <summary><see cref="RaftFaults.InstallOlderSnapshot"/>.</summary>
    InstallOlderSnapshot = 256,
    /// <summary><see cref="RaftFaults.AckSnapshotBeforeDurable"/>.</summary>
    AckSnapshotBeforeDurable = 512,
    /// <summary><see cref="RaftFaults.KeepConflictingSuffix"/>.</summary>
    KeepConflictingSuffix = 1024,
    /// <summary><see cref="RaftFaults.IgnoreIncarnations"/>.</summary>
    IgnoreIncarnations = 2048,
    /// <summary><see cref="RaftFaults.MultipleChangesInFlight"/>.</summary>
    MultipleChangesInFlight = 4096,
    /// <summary><see cref="RaftFaults.ChangeBeforeTermCommit"/>.</summary>
    ChangeBeforeTermCommit = 8192,
    /// <summary><see cref="RaftFaults.LearnersVote"/>.</summary>
    LearnersVote = 16384,
    /// <summary><see cref="RaftFaults.KeepTruncatedConfiguration"/>.</summary>
    KeepTruncatedConfiguration = 32768,
    /// <summary><see cref="RaftFaults.ForgetCompactedConfiguration"/>.</summary>
    ForgetCompactedConfiguration = 65536,
}

internal static class SimulatedFaultExtensions
{
    /// <summary>The switch board every replica of a run shares (restarted ones included).</summary>
    public static RaftFaults ToRaftFaults(this SimulatedFault fault) => new()
    {
        GrantVoteToStaleLog = fault.HasFlag(SimulatedFault.GrantVoteToStaleLog),
        DoubleVote = fault.HasFlag(SimulatedFault.DoubleVote),
        VoteNotPersisted = fault.HasFlag(SimulatedFault.VoteNotPersisted),
        CommitOldTermEntries = fault.HasFlag(SimulatedFault.CommitOldTermEntries),
        ReadIndexWithoutHeartbeat = fault.HasFlag(SimulatedFault.ReadIndexWithoutHeartbeat),
        SkipAppendConsistencyCheck = fault.HasFlag(SimulatedFault.SkipAppendConsistencyCheck),
        EverythingBeforePersist = fault.HasFlag(SimulatedFault.EverythingBeforePersist),
        CompactPastApplied = fault.HasFlag(SimulatedFault.CompactPastApplied),
        InstallOlderSnapshot = fault.HasFlag(SimulatedFault.InstallOlderSnapshot),
        AckSnapshotBeforeDurable = fault.HasFlag(SimulatedFault.AckSnapshotBeforeDurable),
        KeepConflictingSuffix = fault.HasFlag(SimulatedFault.KeepConflictingSuffix),
        IgnoreIncarnations = fault.HasFlag(SimulatedFault.IgnoreIncarnations),
        MultipleChangesInFlight = fault.HasFlag(SimulatedFault.MultipleChangesInFlight),
        ChangeBeforeTermCommit = fault.HasFlag(SimulatedFault.ChangeBeforeTermCommit),
        LearnersVote = fault.HasFlag(SimulatedFault.LearnersVote),
        KeepTruncatedConfiguration = fault.HasFlag(SimulatedFault.KeepTruncatedConfiguration),
        ForgetCompactedConfiguration = fault.HasFlag(SimulatedFault.ForgetCompactedConfiguration),
    };
}
