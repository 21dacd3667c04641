using System.Globalization;

namespace RaftOrleans.Nemesis.Tests.Harness;

/// <summary>
/// Campaign settings from environment variables, so the test project is also the command-line
/// runner for long campaigns (docs/nemesis.md). Unset variables keep the CI defaults.
/// </summary>
public sealed record NemesisSettings
{
    /// <summary>Runs in the mixed-fault campaign (<c>RAFTKV_NEMESIS_RUNS</c>).</summary>
    public int Runs { get; init; } = 8;

    /// <summary>Seconds of workload under faults per mixed run (<c>RAFTKV_NEMESIS_SECONDS</c>).</summary>
    public int Seconds { get; init; } = 15;

    /// <summary>Seed of the first run; run i uses FirstSeed + i (<c>RAFTKV_NEMESIS_FIRST_SEED</c>).</summary>
    public int FirstSeed { get; init; } = 1;

    /// <summary>Replays exactly this seed, alone (<c>RAFTKV_NEMESIS_SEED</c>).</summary>
    public int? Seed { get; init; }

    /// <summary>Forces the silo count (3 or 5) instead of deriving it from the seed (<c>RAFTKV_NEMESIS_REPLICAS</c>).</summary>
    public int? Replicas { get; init; }

    /// <summary>Concurrent clients (<c>RAFTKV_NEMESIS_CLIENTS</c>, at least 5).</summary>
    public int Clients { get; init; } = 5;

    /// <summary>Keys the clients share (<c>RAFTKV_NEMESIS_KEYS</c>).</summary>
    public int Keys { get; init; } = 4;

    /// <summary>Seconds each fault of an Alone run lasts (<c>RAFTKV_NEMESIS_PHASE_SECONDS</c>).</summary>
    public double PhaseSeconds { get; init; } = 3;

    /// <summary>File the campaign summary line is appended to (<c>RAFTKV_NEMESIS_SUMMARY_FILE</c>, else
    /// <c>RAFT_SIM_SUMMARY_FILE</c>, which scripts/test.sh prints at the end).</summary>
    public string? SummaryFile { get; init; }

    /// <summary>The seeds of the mixed campaign.</summary>
    public IReadOnlyList<int> CampaignSeeds => Seed is { } one ? [one] : Enumerable.Range(FirstSeed, Runs).ToArray();

    /// <summary>Reads the settings from the environment.</summary>
    public static NemesisSettings FromEnvironment()
    {
        var d = new NemesisSettings();
        var clients = Int("RAFTKV_NEMESIS_CLIENTS") ?? d.Clients;
        // A client that gives up on an operation continues as process id + 1000 (see WorkloadClient).
        if (clients is < 5 or >= 1000) throw new ArgumentException($"RAFTKV_NEMESIS_CLIENTS must be 5..999, was {clients}.");
        var replicas = Int("RAFTKV_NEMESIS_REPLICAS");
        if (replicas is { } r && (r < 3 || r % 2 == 0)) throw new ArgumentException($"RAFTKV_NEMESIS_REPLICAS must be odd and at least 3, was {r}.");
        return d with
        {
            Runs = Int("RAFTKV_NEMESIS_RUNS") ?? d.Runs,
            Seconds = Int("RAFTKV_NEMESIS_SECONDS") ?? d.Seconds,
            FirstSeed = Int("RAFTKV_NEMESIS_FIRST_SEED") ?? d.FirstSeed,
            Seed = Int("RAFTKV_NEMESIS_SEED"),
            Replicas = replicas,
            Clients = clients,
            Keys = Int("RAFTKV_NEMESIS_KEYS") ?? d.Keys,
            PhaseSeconds = Double("RAFTKV_NEMESIS_PHASE_SECONDS") ?? d.PhaseSeconds,
            SummaryFile = Text("RAFTKV_NEMESIS_SUMMARY_FILE") ?? Text("RAFT_SIM_SUMMARY_FILE"),
        };
    }

    private static string? Text(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : null;

    private static int? Int(string name)
        => Text(name) is { } v ? int.Parse(v, NumberStyles.Integer, CultureInfo.InvariantCulture) : null;

    private static double? Double(string name)
        => Text(name) is { } v ? double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture) : null;
}
