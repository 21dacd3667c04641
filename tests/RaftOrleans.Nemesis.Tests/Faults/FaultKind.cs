namespace RaftOrleans.Nemesis.Tests.Faults;

/// <summary>What a fault does.</summary>
public enum FaultKind
{
    /// <summary>Kill a silo (no graceful shutdown), restart it on its files when the fault heals.</summary>
    Kill,

    /// <summary>Stop a silo gracefully, restart it when the fault heals.</summary>
    Stop,

    /// <summary>Cut every link between one replica and the others, both directions.</summary>
    Isolate,

    /// <summary>Split the replicas into a minority and a majority that cannot talk.</summary>
    Split,

    /// <summary>Drop every message the target sends to its peers (it still hears them).</summary>
    CutOutbound,

    /// <summary>Drop every message the peers send to the target (it still is heard).</summary>
    CutInbound,

    /// <summary>Every link loses and delays (so reorders) a seeded share of messages.</summary>
    DelayAndLoss,

    /// <summary>Every storage call of the target silo(s) takes longer.</summary>
    StorageLatency,

    /// <summary>The target's next storage writes fail before reaching the disk.</summary>
    FailedWrite,

    /// <summary>The target's next storage write lands, then the replica crashes before acting on it.</summary>
    CrashAfterWrite,

    /// <summary>The target's next storage write lands, then its silo is killed before the write returns.</summary>
    KillAfterWrite,

    /// <summary>The target replica stops running (timer and pump held) past its election timeout, then wakes.</summary>
    Pause,

    /// <summary>Remove the target voter from the group through the store API (a leader steps down and hands over);
    /// at heal add it back as a learner and promote it once it has caught up.</summary>
    Reconfigure,

    /// <summary>Add the spare silo's replica as a learner and promote it; at heal remove it again.</summary>
    Grow,

    /// <summary>Stop the target's silo, delete its storage, start it again under its old name on a blank disk (the
    /// group must ignore it: another incarnation); at heal remove it, add it back as a learner and promote it.</summary>
    Wipe,
}

/// <summary>Which replica a fault hits, resolved when it starts (the leader changes during a run).</summary>
public enum FaultTarget
{
    /// <summary>The current leader (a random replica when none is known).</summary>
    Leader,

    /// <summary>A random follower of the current leader.</summary>
    Follower,

    /// <summary>Replica 1, on the first silo started.</summary>
    FirstSilo,

    /// <summary>A random replica.</summary>
    Random,

    /// <summary>Every replica.</summary>
    All,

    /// <summary>The spare silo's replica (not a member of the group when the run starts).</summary>
    Spare,
}

/// <summary>A fault and its target.</summary>
/// <param name="Kind">What it does.</param>
/// <param name="Target">Whom it hits. For <see cref="FaultKind.Split"/>: Leader = the leader is in the
/// minority, Follower = the minority is followers only.</param>
public readonly record struct FaultSpec(FaultKind Kind, FaultTarget Target)
{
    /// <summary>Every fault the nemesis knows, each run alone once by an Alone run.</summary>
    public static IReadOnlyList<FaultSpec> All { get; } =
    [
        new(FaultKind.Kill, FaultTarget.Leader),
        new(FaultKind.Kill, FaultTarget.Follower),
        new(FaultKind.Kill, FaultTarget.FirstSilo),
        new(FaultKind.Stop, FaultTarget.Random),
        new(FaultKind.Isolate, FaultTarget.Leader),
        new(FaultKind.Split, FaultTarget.Leader),
        new(FaultKind.Split, FaultTarget.Follower),
        new(FaultKind.CutOutbound, FaultTarget.Leader),
        new(FaultKind.CutInbound, FaultTarget.Leader),
        new(FaultKind.DelayAndLoss, FaultTarget.All),
        new(FaultKind.StorageLatency, FaultTarget.All),
        new(FaultKind.FailedWrite, FaultTarget.Leader),
        new(FaultKind.CrashAfterWrite, FaultTarget.Leader),
        new(FaultKind.CrashAfterWrite, FaultTarget.Follower),
        new(FaultKind.KillAfterWrite, FaultTarget.Leader),
        new(FaultKind.Pause, FaultTarget.Leader),
        new(FaultKind.Pause, FaultTarget.Follower),
        new(FaultKind.Reconfigure, FaultTarget.Follower),
        new(FaultKind.Reconfigure, FaultTarget.Leader),
        new(FaultKind.Grow, FaultTarget.Spare),
        new(FaultKind.Wipe, FaultTarget.Follower),
    ];

    /// <summary>
    /// True when the fault takes away one of the voters the group can count on, until it heals: a silo down, a disk
    /// wiped (the blank replica does not count until it is added back), or a voter removed (the group is one voter
    /// smaller). These count against the minority that may be lost at once, so no two of them can cost a majority.
    /// </summary>
    public bool TakesSiloDown => Kind is FaultKind.Kill or FaultKind.Stop or FaultKind.KillAfterWrite or FaultKind.Wipe or FaultKind.Reconfigure;

    /// <summary>True for a membership fault (a change through the store API); at most one runs at a time, as the
    /// leader takes one change at a time and two faults changing one configuration would undo each other.</summary>
    public bool ChangesMembership => Kind is FaultKind.Reconfigure or FaultKind.Grow or FaultKind.Wipe;

    /// <summary>A short name such as <c>kill(leader)</c>, used in schedules and counts.</summary>
    public override string ToString() => $"{Kebab(Kind.ToString())}({Kebab(Target.ToString())})";

    private static string Kebab(string name)
        => string.Concat(name.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "-" : "") + char.ToLowerInvariant(c) : c.ToString()));
}
