using System.Globalization;

namespace RaftOrleans.Nemesis.Tests.Faults;

/// <summary>One planned fault: what, when (from the start of the workload) and for how long.</summary>
/// <param name="Id">Position in the schedule.</param>
/// <param name="At">When it starts.</param>
/// <param name="Spec">What it does to whom.</param>
/// <param name="Duration">How long until it heals.</param>
/// <param name="Variant">Seed of the choices made when it starts (which follower, which split,
/// how much loss), so a replay makes the same choices.</param>
public sealed record FaultEvent(int Id, TimeSpan At, FaultSpec Spec, TimeSpan Duration, int Variant)
{
    /// <summary>When it heals.</summary>
    public TimeSpan End => At + Duration;

    /// <summary>For example <c>#3 at 4.20 s for 2.10 s: kill(leader) variant 1234</c>.</summary>
    public override string ToString()
        => string.Create(CultureInfo.InvariantCulture, $"#{Id} at {At.TotalSeconds:0.00} s for {Duration.TotalSeconds:0.00} s: {Spec} variant {Variant}");
}
