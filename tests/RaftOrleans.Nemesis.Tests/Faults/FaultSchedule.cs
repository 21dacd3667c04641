using System.Text;

namespace RaftOrleans.Nemesis.Tests.Faults;

/// <summary>
/// The faults of one run, made from its seed alone (so printing the seed is enough to replay the
/// schedule). Mixed: random specs at random times, overlapping, never more silo-down faults at once
/// than a minority. Alone: every spec once, one at a time, with a pause between for recovery.
/// </summary>
public sealed class FaultSchedule
{
    private FaultSchedule(IReadOnlyList<FaultEvent> events, TimeSpan phase)
    {
        Events = events;
        Phase = phase;
    }

    /// <summary>True for an Alone schedule: each fault starts only once the one before healed.</summary>
    public bool Sequential => Phase > TimeSpan.Zero;

    /// <summary>The faults, in start order.</summary>
    public IReadOnlyList<FaultEvent> Events { get; }

    /// <summary>Length of each fault in an Alone schedule (zero for Mixed).</summary>
    public TimeSpan Phase { get; }

    /// <summary>When the last fault heals.</summary>
    public TimeSpan End => Events.Count == 0 ? TimeSpan.Zero : Events.Max(e => e.End);

    /// <summary>Longer than the longest election timeout (2 × 10 ticks × 50 ms), so a paused leader is deposed.</summary>
    public static readonly TimeSpan MinimumPause = TimeSpan.FromSeconds(1.5);

    /// <summary>Planned gap between one membership fault's end and the next one's start in a Mixed schedule.</summary>
    public static readonly TimeSpan MembershipSpacing = TimeSpan.FromSeconds(1);

    /// <summary>Faults of random kinds for <paramref name="duration"/> on <paramref name="replicas"/> silos.</summary>
    public static FaultSchedule Mixed(int seed, int replicas, TimeSpan duration)
    {
        var random = new Random(seed);
        var maxDown = (replicas - 1) / 2;
        var events = new List<FaultEvent>();
        var at = TimeSpan.FromSeconds(1); // let the clients start first
        var lastEnd = duration - TimeSpan.FromSeconds(0.5);
        while (true)
        {
            var length = TimeSpan.FromSeconds(1 + random.NextDouble() * 3);
            if (at + length > lastEnd) length = lastEnd - at;
            if (length < TimeSpan.FromSeconds(1)) break;
            var spec = FaultSpec.All[random.Next(FaultSpec.All.Count)];
            var start = at;
            var downAtStart = events.Count(e => e.Spec.TakesSiloDown && e.End > start);
            // A membership fault's heal (add back, promote once caught up) runs past its planned end: keep the next
            // one a second further away, so planned membership faults do not overlap (one change at a time).
            var changingAtStart = events.Any(e => e.Spec.ChangesMembership && e.End + MembershipSpacing > start);
            while ((spec.TakesSiloDown && downAtStart >= maxDown) || (spec.ChangesMembership && changingAtStart))
            {
                spec = FaultSpec.All[random.Next(FaultSpec.All.Count)];
            }
            if (spec.Kind == FaultKind.Pause && length < MinimumPause)
            {
                if (at + MinimumPause > lastEnd) break;
                length = MinimumPause;
            }
            events.Add(new FaultEvent(events.Count, at, spec, length, random.Next()));
            at += TimeSpan.FromSeconds(0.5 + random.NextDouble() * 2);
        }
        return new FaultSchedule(events, TimeSpan.Zero);
    }

    /// <summary>Every spec once, in a seeded order, each lasting <paramref name="phase"/> (at least
    /// <see cref="MinimumPause"/>) and followed by 1.5 s without faults for the cluster to recover.</summary>
    public static FaultSchedule Alone(int seed, TimeSpan phase)
    {
        if (phase < MinimumPause) phase = MinimumPause;
        var random = new Random(seed);
        var order = FaultSpec.All.OrderBy(_ => random.Next()).ToList();
        var gap = TimeSpan.FromSeconds(1.5);
        var events = order.Select((spec, i) => new FaultEvent(i, TimeSpan.FromSeconds(1) + (phase + gap) * i, spec, phase, random.Next())).ToList();
        return new FaultSchedule(events, phase);
    }

    /// <summary>The given specs in this order, one at a time, each lasting <paramref name="phase"/> (self-tests drive
    /// single faults this way). Variants come from <paramref name="seed"/>.</summary>
    public static FaultSchedule Sequence(int seed, TimeSpan phase, params FaultSpec[] specs)
    {
        if (phase < MinimumPause) phase = MinimumPause;
        var random = new Random(seed);
        var events = specs.Select((spec, i) => new FaultEvent(i, (phase + TimeSpan.FromSeconds(1.5)) * i, spec, phase, random.Next())).ToList();
        return new FaultSchedule(events, phase);
    }

    /// <summary>One line per fault.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        foreach (var e in Events) sb.AppendLine("  " + e);
        return sb.ToString();
    }
}
