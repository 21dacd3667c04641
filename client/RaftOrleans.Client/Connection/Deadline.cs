using System.Diagnostics;

namespace RaftOrleans.Client.Connection;

/// <summary>
/// The one deadline of a command: connecting and the request both spend from it, so
/// <c>--timeout</c> bounds the whole command and not each phase separately.
/// </summary>
public sealed class Deadline
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    private Deadline(TimeSpan total) => Total = total;

    /// <summary>The whole budget.</summary>
    public TimeSpan Total { get; }

    /// <summary>Time spent since the command started.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>What is left of the budget (never negative).</summary>
    public TimeSpan Remaining => Total - _clock.Elapsed is { } left && left > TimeSpan.Zero ? left : TimeSpan.Zero;

    /// <summary>True once the budget is spent.</summary>
    public bool HasPassed => Remaining == TimeSpan.Zero;

    /// <summary>A deadline <paramref name="total"/> from now.</summary>
    public static Deadline After(TimeSpan total) => new(total);

    /// <summary>The earlier of this deadline and <paramref name="cap"/> from now, as a new deadline.</summary>
    public Deadline CappedAt(TimeSpan cap) => cap < Remaining ? new Deadline(cap) : new Deadline(Remaining);
}
