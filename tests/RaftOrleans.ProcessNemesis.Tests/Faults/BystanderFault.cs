namespace RaftOrleans.ProcessNemesis.Tests.Faults;

/// <summary>What happens, while a <see cref="ProcessFaultKind.Reconfigure"/> fault makes its change, to a silo the change does not name.</summary>
public enum BystanderFault
{
    /// <summary>Nothing: the change is made on a healthy group.</summary>
    None,

    /// <summary>SIGSTOP for a while, then SIGCONT: the change commits (or is overwritten by a new leader) while that silo is frozen.</summary>
    Pause,

    /// <summary>kill -9, restarted after a while: the change is made while that silo crashes and rejoins.</summary>
    Kill,
}
