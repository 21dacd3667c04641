using System.Text;

namespace RaftOrleans.ProcessNemesis.Tests.Faults;

/// <summary>
/// A seeded sequence of process faults filling a run: the same seed gives the same kinds, durations,
/// gaps and random picks (which silo is the leader when a fault runs depends on the run).
/// </summary>
public sealed class ProcessFaultSchedule
{
    /// <summary>Shortest and longest SIGSTOP (the 1-15 s).</summary>
    public static readonly (double Min, double Max) PauseSeconds = (1, 15);

    /// <summary>How long a killed silo stays down before its restart.</summary>
    public static readonly (double Min, double Max) DownSeconds = (1, 5);

    /// <summary>How long the leader's storage stalls.</summary>
    public static readonly (double Min, double Max) StallSeconds = (1, 10);

    /// <summary>How long a <see cref="ProcessFaultKind.Reconfigure"/> fault's group runs in the changed configuration before it is changed back.</summary>
    public static readonly (double Min, double Max) HoldSeconds = (1, 5);

    /// <summary>How long a silo not involved in a membership change is paused or down while it is made.</summary>
    public static readonly (double Min, double Max) BystanderSeconds = (1, 5);

    /// <summary>How long a wiped replica, back on a blank disk, is watched being ignored before it is healed.</summary>
    public static readonly (double Min, double Max) WatchSeconds = (2, 5);

    /// <summary>
    /// What a membership fault is reckoned to cost beyond its duration when the schedule is filled (the
    /// changes themselves, a restart, a learner's catch-up, on 2 loaded cores): it keeps short runs short.
    /// </summary>
    public static readonly TimeSpan ReconfigureCost = TimeSpan.FromSeconds(8), WipeRestartCost = TimeSpan.FromSeconds(12);

    /// <summary>The kinds the second and third faults of a run cycle through (all but <see cref="ProcessFaultKind.Reconfigure"/>, which always opens a run).</summary>
    private static readonly ProcessFaultKind[] OpeningCycle = [.. Enum.GetValues<ProcessFaultKind>().Where(k => k != ProcessFaultKind.Reconfigure)];

    /// <summary>Quiet time after each fault, so the next one starts on a cluster that has a leader again.</summary>
    public static readonly (double Min, double Max) GapSeconds = (2, 5);

    private ProcessFaultSchedule(int seed, IReadOnlyList<ProcessFault> faults)
    {
        Seed = seed;
        Faults = faults;
    }

    /// <summary>The seed it was drawn from.</summary>
    public int Seed { get; }

    /// <summary>The faults in order.</summary>
    public IReadOnlyList<ProcessFault> Faults { get; }

    /// <summary>The faults every run begins with, whatever its duration.</summary>
    public const int Opening = 3;

    /// <summary>
    /// Draws faults from <paramref name="seed"/> until their durations and gaps fill <paramref name="duration"/>,
    /// and at least the <see cref="Opening"/>. The opening is chosen by the seed so that every run changes its
    /// membership and any three consecutive seeds (the default runs) cover every kind and every
    /// <see cref="ReconfigureVariant"/>: the first fault is a <see cref="ProcessFaultKind.Reconfigure"/> of variant
    /// (seed - 1) mod 3, made while another silo is paused (odd seeds) or killed and restarted (even seeds); the second and third take two consecutive kinds of the
    /// others, starting at 2 (seed - 1). Later faults draw their kind (and variant) at random.
    /// </summary>
    public static ProcessFaultSchedule Generate(int seed, TimeSpan duration)
    {
        var random = new Random(seed);
        var faults = new List<ProcessFault>();
        var planned = TimeSpan.Zero;
        var kinds = Enum.GetValues<ProcessFaultKind>();
        var variants = Enum.GetValues<ReconfigureVariant>();
        var cycle = (uint)(seed - 1);
        while (planned < duration || faults.Count < Opening)
        {
            var number = faults.Count + 1;
            var kind = faults.Count switch
            {
                0 => ProcessFaultKind.Reconfigure,
                < Opening => OpeningCycle[(int)((2 * cycle + (uint)faults.Count - 1) % (uint)OpeningCycle.Length)],
                _ => kinds[random.Next(kinds.Length)],
            };
            var mixPausesLeader = random.Next(2) == 0;
            var variant = faults.Count == 0 ? variants[(int)(cycle % (uint)variants.Length)] : variants[random.Next(variants.Length)];
            var bystander = faults.Count == 0 ? (cycle % 2 == 0 ? BystanderFault.Pause : BystanderFault.Kill) : (BystanderFault)random.Next(3);
            var length = kind switch
            {
                ProcessFaultKind.KillRestart => Draw(random, DownSeconds),
                ProcessFaultKind.StallLeader => Draw(random, StallSeconds),
                ProcessFaultKind.Mix when !mixPausesLeader => Draw(random, StallSeconds),
                ProcessFaultKind.Reconfigure => Draw(random, HoldSeconds),
                ProcessFaultKind.WipeRestart => Draw(random, WatchSeconds),
                _ => Draw(random, PauseSeconds),
            };
            var second = kind switch
            {
                ProcessFaultKind.Mix => TimeSpan.FromSeconds(Math.Max(PauseSeconds.Min, length.TotalSeconds * random.NextDouble())),
                ProcessFaultKind.Reconfigure when bystander != BystanderFault.None => Draw(random, BystanderSeconds),
                _ => TimeSpan.Zero,
            };
            var gap = Draw(random, GapSeconds);
            faults.Add(new ProcessFault(number, kind, length, second, gap, random.Next(1_000_000), mixPausesLeader,
                kind == ProcessFaultKind.Reconfigure ? variant : ReconfigureVariant.RemoveFollower, kind == ProcessFaultKind.Reconfigure ? bystander : BystanderFault.None));
            planned += length + gap + kind switch
            {
                ProcessFaultKind.Reconfigure => ReconfigureCost,
                ProcessFaultKind.WipeRestart => WipeRestartCost,
                _ => TimeSpan.Zero,
            };
        }
        return new ProcessFaultSchedule(seed, faults);
    }

    /// <inheritdoc />
    public override string ToString()
    {
        var text = new StringBuilder($"schedule of seed {Seed}:\n");
        foreach (var fault in Faults) text.AppendLine($"  {fault}");
        return text.ToString();
    }

    private static TimeSpan Draw(Random random, (double Min, double Max) range)
        => TimeSpan.FromSeconds(Math.Round(range.Min + (range.Max - range.Min) * random.NextDouble(), 1));
}
