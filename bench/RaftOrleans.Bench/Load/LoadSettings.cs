namespace RaftOrleans.Bench.Load;

/// <summary>One load run: what to do, with how many concurrent logical clients, for how long.</summary>
public sealed record LoadSettings
{
    /// <summary>The operation mix.</summary>
    public Workload Workload { get; init; } = Workload.Put;
    /// <summary>Concurrent logical clients, each with one operation in flight at a time.</summary>
    public int Clients { get; init; } = 16;
    /// <summary>Measured time.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>Unmeasured time before it (connections, JIT, leader caches warm up).</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(2);
    /// <summary>Key length in bytes (ASCII).</summary>
    public int KeySize { get; init; } = 16;
    /// <summary>Value length in bytes (ASCII).</summary>
    public int ValueSize { get; init; } = 100;
    /// <summary>Number of distinct keys.</summary>
    public int Keys { get; init; } = 1000;
    /// <summary>Percentage of gets in the mixed workload.</summary>
    public int ReadPercent { get; init; } = 50;
    /// <summary>Seed of the key choice (each client derives its own generator from it).</summary>
    public int Seed { get; init; } = 1;

    /// <summary>The first problem with these settings, or null.</summary>
    public string? Validate()
    {
        if (Clients < 1) return "--clients must be at least 1";
        if (Duration <= TimeSpan.Zero) return "--duration must be positive";
        if (Warmup < TimeSpan.Zero) return "--warmup must not be negative";
        if (Keys < 1) return "--keys must be at least 1";
        if (KeySize < KeySpace.MinimumKeySize(Keys)) return $"--key-size must be at least {KeySpace.MinimumKeySize(Keys)} for {Keys} keys";
        if (ValueSize < 1) return "--value-size must be at least 1";
        if (ReadPercent is < 0 or > 100) return "--read-percent must be 0..100";
        return null;
    }
}
