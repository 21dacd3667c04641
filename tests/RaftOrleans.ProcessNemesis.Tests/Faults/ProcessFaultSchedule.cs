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

    /// <summary>Draws faults from <paramref name="seed"/> until their durations and gaps fill <paramref name="duration"/>.
    /// The first three faults take three consecutive kinds starting at the seed, so consecutive seeds
    /// (the default runs) cover every kind even in short runs; later faults draw their kind at random.</summary>
    public static ProcessFaultSchedule Generate(int seed, TimeSpan duration)
    {
        var random = new Random(seed);
        var faults = new List<ProcessFault>();
        var planned = TimeSpan.Zero;
        var kinds = Enum.GetValues<ProcessFaultKind>();
        const int opening = 3;
        while (planned < duration)
        {
            var number = faults.Count + 1;
            var kind = faults.Count < opening ? kinds[(int)((uint)(faults.Count + seed) % (uint)kinds.Length)] : kinds[random.Next(kinds.Length)];
            var mixPausesLeader = random.Next(2) == 0;
            var length = kind switch
            {
                ProcessFaultKind.KillRestart => Draw(random, DownSeconds),
                ProcessFaultKind.StallLeader => Draw(random, StallSeconds),
                ProcessFaultKind.Mix when !mixPausesLeader => Draw(random, StallSeconds),
                _ => Draw(random, PauseSeconds),
            };
            var second = kind == ProcessFaultKind.Mix ? TimeSpan.FromSeconds(Math.Max(PauseSeconds.Min, length.TotalSeconds * random.NextDouble())) : TimeSpan.Zero;
            var gap = Draw(random, GapSeconds);
            faults.Add(new ProcessFault(number, kind, length, second, gap, random.Next(1_000_000), mixPausesLeader));
            planned += length + gap;
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
