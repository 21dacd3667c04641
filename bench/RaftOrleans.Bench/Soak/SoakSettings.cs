using RaftOrleans.Bench.Load;

namespace RaftOrleans.Bench.Soak;

/// <summary>What a soak run does: how many puts, from how many clients, over how many keys, split into how many parts.</summary>
public sealed record SoakSettings
{
    /// <summary>Served puts the run makes (a few more may be in flight when the count is reached).</summary>
    public long Puts { get; init; } = 1_000_000;
    /// <summary>Concurrent logical clients, each with one put in flight at a time.</summary>
    public int Clients { get; init; } = 64;
    /// <summary>Distinct keys; each put picks one uniformly at random.</summary>
    public int Keys { get; init; } = 100_000;
    /// <summary>Key bytes.</summary>
    public int KeySize { get; init; } = 16;
    /// <summary>Value bytes.</summary>
    public int ValueSize { get; init; } = 100;
    /// <summary>Parts the run is reported in (tenths by default).</summary>
    public int Parts { get; init; } = 10;
    /// <summary>Seed of the key choice.</summary>
    public int Seed { get; init; } = 1;
    /// <summary>How long a restarted or returning member may take to catch up before it is reported as not caught up.</summary>
    public TimeSpan CatchUpDeadline { get; init; } = TimeSpan.FromSeconds(600);
    /// <summary>How long the cluster may take to be healthy (before the run, and between the measurements at its end).</summary>
    public TimeSpan HealthyDeadline { get; init; } = TimeSpan.FromSeconds(300);

    /// <summary>The first problem with these settings, or null.</summary>
    public string? Validate()
    {
        if (Parts < 2) return "--tenths must be at least 2 (a restart is measured after the first, a follower stopped after the middle one)";
        if (Puts < Parts) return $"--puts must be at least --tenths ({Parts})";
        if (Clients < 1) return "--clients must be at least 1";
        if (Keys < 1) return "--keys must be at least 1";
        if (KeySize < KeySpace.MinimumKeySize(Keys)) return $"--key-size must be at least {KeySpace.MinimumKeySize(Keys)} for {Keys} keys";
        if (ValueSize < 1) return "--value-size must be at least 1";
        return null;
    }
}
