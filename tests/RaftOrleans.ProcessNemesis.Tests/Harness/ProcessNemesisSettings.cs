using System.Globalization;

namespace RaftOrleans.ProcessNemesis.Tests.Harness;

/// <summary>
/// How much the process nemesis runs. The default is the bounded set the test suite runs; the
/// environment runs campaigns: <c>RAFTKV_PROCESS_NEMESIS_RUNS</c> (runs), <c>RAFTKV_PROCESS_NEMESIS_SECONDS</c>
/// (seconds of faults per run), <c>RAFTKV_PROCESS_NEMESIS_SEED</c> (the first run's seed; run i uses seed + i,
/// so one failing seed replays alone with RUNS=1).
/// </summary>
public sealed record ProcessNemesisSettings
{
    /// <summary>Runs in the default test run.</summary>
    public const int DefaultRuns = 3;

    /// <summary>Seconds of faults per run in the default test run.</summary>
    public const int DefaultSeconds = 25;

    /// <summary>Runs.</summary>
    public int Runs { get; init; } = DefaultRuns;

    /// <summary>Seconds of faults (and workload) per run.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(DefaultSeconds);

    /// <summary>Seed of the first run.</summary>
    public int FirstSeed { get; init; } = 1;

    /// <summary>Concurrent logical clients.</summary>
    public int Clients { get; init; } = 6;

    /// <summary>Keys they share (few, so operations contend).</summary>
    public int Keys { get; init; } = 5;

    /// <summary>The settings from the environment, defaults where unset.</summary>
    public static ProcessNemesisSettings FromEnvironment()
    {
        var defaults = new ProcessNemesisSettings();
        return defaults with
        {
            Runs = Read("RAFTKV_PROCESS_NEMESIS_RUNS") ?? defaults.Runs,
            Duration = Read("RAFTKV_PROCESS_NEMESIS_SECONDS") is { } seconds ? TimeSpan.FromSeconds(seconds) : defaults.Duration,
            FirstSeed = Read("RAFTKV_PROCESS_NEMESIS_SEED") ?? defaults.FirstSeed,
        };
    }

    private static int? Read(string name)
        => Environment.GetEnvironmentVariable(name) is { Length: > 0 } text
            ? int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value > 0
                ? value
                : throw new ArgumentException($"{name} must be a positive integer, not '{text}'")
            : null;
}
