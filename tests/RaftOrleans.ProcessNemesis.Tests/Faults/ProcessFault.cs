namespace RaftOrleans.ProcessNemesis.Tests.Faults;

/// <summary>
/// One planned fault: its kind, how long it lasts, and how long the nemesis then waits before the
/// next one. <paramref name="Pick"/> is the seeded draw that chooses a random silo when the fault runs.
/// For <see cref="ProcessFaultKind.Mix"/>, <paramref name="Second"/> is the shorter pause of another silo;
/// for <see cref="ProcessFaultKind.Reconfigure"/>, <paramref name="Variant"/> is the change, and unless
/// <paramref name="Bystander"/> is <see cref="BystanderFault.None"/>, <paramref name="Second"/> is how long a
/// silo not involved in it is paused or down while the change is made.
/// </summary>
public sealed record ProcessFault(
    int Number, ProcessFaultKind Kind, TimeSpan Duration, TimeSpan Second, TimeSpan Gap, int Pick, bool MixPausesLeader,
    ReconfigureVariant Variant = ReconfigureVariant.RemoveFollower, BystanderFault Bystander = BystanderFault.None)
{
    /// <summary>True for the kinds that change the group's membership (and so must run alone, with every member up).</summary>
    public bool ChangesMembership => Kind is ProcessFaultKind.Reconfigure or ProcessFaultKind.WipeRestart;

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        ProcessFaultKind.Mix => $"#{Number} Mix({(MixPausesLeader ? "PauseLeader" : "StallLeader")} {Duration.TotalSeconds:0.0}s + PauseOther {Second.TotalSeconds:0.0}s) then {Gap.TotalSeconds:0.0}s",
        ProcessFaultKind.Reconfigure => $"#{Number} Reconfigure({Variant}, held {Duration.TotalSeconds:0.0}s{Bystander switch { BystanderFault.Pause => $", another silo paused {Second.TotalSeconds:0.0}s meanwhile", BystanderFault.Kill => $", another silo killed and down {Second.TotalSeconds:0.0}s meanwhile", _ => "" }}) then {Gap.TotalSeconds:0.0}s",
        ProcessFaultKind.WipeRestart => $"#{Number} WipeRestart(blank replica watched {Duration.TotalSeconds:0.0}s, then removed, re-added, promoted) then {Gap.TotalSeconds:0.0}s",
        _ => $"#{Number} {Kind} {Duration.TotalSeconds:0.0}s then {Gap.TotalSeconds:0.0}s",
    };
}
