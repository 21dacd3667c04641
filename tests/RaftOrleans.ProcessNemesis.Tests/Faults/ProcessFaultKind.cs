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
}
