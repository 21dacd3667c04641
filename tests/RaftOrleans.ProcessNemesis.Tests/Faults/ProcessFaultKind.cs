namespace RaftOrleans.ProcessNemesis.Tests.Faults;

/// <summary>What the process nemesis does to the silos.</summary>
public enum ProcessFaultKind
{
    /// <summary>SIGSTOP of a random silo, SIGCONT after the duration.</summary>
    PauseRandom,

    /// <summary>SIGSTOP of the leader's silo, SIGCONT after the duration.</summary>
    PauseLeader,

    /// <summary>kill -9 of a random silo, restarted after the duration.</summary>
    KillRestart,

    /// <summary>The leader's storage writes wait for the duration (the storage-stall hook), as on a disk whose fsync takes seconds.</summary>
    StallLeader,

    /// <summary>Two at once: the leader's storage stalls or its silo pauses, and meanwhile another silo pauses for a shorter time.</summary>
    Mix,

    /// <summary>
    /// A membership change under faults, and its undoing (<see cref="ReconfigureVariant"/>): a follower or the
    /// leader removed and re-added, or the group grown onto the spare silo and shrunk back; the duration is how
    /// long the group runs in the changed configuration. Optionally a silo not involved in the change is
    /// SIGSTOPped while it is made.
    /// </summary>
    Reconfigure,

    /// <summary>
    /// A replaced disk: kill -9 of a follower's silo, its data directory deleted, the silo started again under
    /// its old name and ports. For the duration the blank replica must stay ignored (commit 0, not counted);
    /// then it is healed as an operator would: removed, added back as a learner, promoted once caught up.
    /// </summary>
    WipeRestart,
}
