namespace RaftOrleans.ProcessNemesis.Tests.Faults;

/// <summary>
/// One planned fault: its kind, how long it lasts, and how long the nemesis then waits before the
/// next one. <paramref name="Pick"/> is the seeded draw that chooses a random silo when the fault runs.
/// For <see cref="ProcessFaultKind.Mix"/>, <paramref name="Second"/> is the shorter pause of another silo.
/// </summary>
public sealed record ProcessFault(int Number, ProcessFaultKind Kind, TimeSpan Duration, TimeSpan Second, TimeSpan Gap, int Pick, bool MixPausesLeader)
{
    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        ProcessFaultKind.Mix => $"#{Number} Mix({(MixPausesLeader ? "PauseLeader" : "StallLeader")} {Duration.TotalSeconds:0.0}s + PauseOther {Second.TotalSeconds:0.0}s) then {Gap.TotalSeconds:0.0}s",
        _ => $"#{Number} {Kind} {Duration.TotalSeconds:0.0}s then {Gap.TotalSeconds:0.0}s",
    };
}
