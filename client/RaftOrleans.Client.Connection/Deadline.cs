using System.Diagnostics;

namespace RaftOrleans.Client.Connection;

/// <summary>
/// The one deadline of a command: connecting and the request both spend from it, so
/// <c>--timeout</c> bounds the whole command and not each phase separately.
/// </summary>
public sealed class Deadline
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    private Deadline(TimeSpan total, TimeSpan? shownTotal = null)
    {
        Budget = total > TimeSpan.Zero ? total : TimeSpan.Zero;
        Total = shownTotal ?? Budget;
    }

    /// <summary>What this deadline lets the work spend, from its creation.</summary>
    private TimeSpan Budget { get; }

    /// <summary>The budget as the user set it, for messages ("no answer within 5s").</summary>
    public TimeSpan Total { get; }

    /// <summary>What is left of the budget (never negative).</summary>
    public TimeSpan Remaining => Budget - _clock.Elapsed is { } left && left > TimeSpan.Zero ? left : TimeSpan.Zero;

    /// <summary>A deadline <paramref name="budget"/> from now, shown to the user as <paramref name="total"/> (default: the budget).</summary>
    public static Deadline After(TimeSpan budget, TimeSpan? total = null) => new(budget, total);

    /// <summary>The earlier of this deadline and <paramref name="cap"/> from now, as a new deadline.</summary>
    public Deadline CappedAt(TimeSpan cap) => cap < Remaining ? new Deadline(cap) : new Deadline(Remaining, Total);
}
