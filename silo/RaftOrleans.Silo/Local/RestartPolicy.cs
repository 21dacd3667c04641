namespace RaftOrleans.Silo.Local;

/// <summary>
/// When <c>local</c> restarts a silo that died. A run shorter than <see cref="CrashLoopWindow"/> is a
/// failed run; the restart after the n-th failed run in a row waits <see cref="InitialDelay"/> x 2^(n-1),
/// capped at <see cref="MaxDelay"/>, and after <see cref="CrashLoopRestarts"/> such restarts the next
/// failed run is a crash loop: the silo is given up. A run that lasted a whole window starts the
/// count over, so a silo that served for a while and then died restarts at once.
/// </summary>
/// <remarks>
/// Counted on each run's uptime rather than on exits per minute of wall clock: on a loaded machine a
/// silo that cannot start may take 10 s per failed start, and a wall-clock window would then never
/// see five of them and retry forever.
/// </remarks>
public sealed class RestartPolicy
{
    private int _failedRuns;

    /// <summary>Restarts after failed runs in a row before the silo is given up. Default 5.</summary>
    public int CrashLoopRestarts { get; init; } = 5;

    /// <summary>A run shorter than this counts as failed. Default 60 s.</summary>
    public TimeSpan CrashLoopWindow { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The first backoff. Default 0.5 s.</summary>
    public TimeSpan InitialDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest backoff. Default 10 s.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How many restarts were decided so far.</summary>
    public int Attempts { get; private set; }

    /// <summary>How many runs in a row were shorter than <see cref="CrashLoopWindow"/>.</summary>
    public int FailedRunsInARow => _failedRuns;

    /// <summary>
    /// Records an unexpected exit after a run of <paramref name="uptime"/> and returns the delay before
    /// the restart, or null when the silo is crash-looping and must stay down.
    /// </summary>
    public TimeSpan? OnExit(TimeSpan uptime)
    {
        if (uptime >= CrashLoopWindow)
        {
            _failedRuns = 0;
            Attempts++;
            return InitialDelay;
        }
        _failedRuns++;
        if (_failedRuns > CrashLoopRestarts) return null;
        Attempts++;
        double delay = InitialDelay.Ticks * Math.Pow(2, _failedRuns - 1);
        return TimeSpan.FromTicks((long)Math.Min(delay, MaxDelay.Ticks));
    }
}
