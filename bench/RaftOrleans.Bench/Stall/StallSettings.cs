namespace RaftOrleans.Bench.Stall;

/// <summary>Settings of <c>raftkv-bench stall</c>.</summary>
public sealed record StallSettings
{
    /// <summary>Gateway ports in silo order: index 0 is silo1's.</summary>
    public required IReadOnlyList<int> GatewayPorts { get; init; }

    /// <summary>Orleans cluster id.</summary>
    public string ClusterId { get; init; } = "raftkv";

    /// <summary>Orleans service id.</summary>
    public string ServiceId { get; init; } = "raftkv";

    /// <summary>Part (a): leader pauses.</summary>
    public int Trials { get; init; } = 10;

    /// <summary>Part (a): how long each leader pause lasts.</summary>
    public TimeSpan LeaderPause { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Part (a): how long after SIGCONT the term must stay put.</summary>
    public TimeSpan SettleWindow { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Part (b): random pause/resume cycles.</summary>
    public int Cycles { get; init; } = 20;

    /// <summary>Part (b): shortest and longest pause.</summary>
    public (double Min, double Max) CyclePauseSeconds { get; init; } = (1, 15);

    /// <summary>Part (b): quiet time after each resume.</summary>
    public TimeSpan CycleGap { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Part (b): concurrent logical clients of the mixed workload.</summary>
    public int Clients { get; init; } = 6;

    /// <summary>Part (b): keys they share.</summary>
    public int Keys { get; init; } = 8;

    /// <summary>Seed of the random pauses and the workload.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Per-call deadline of the clients (a call through a paused silo gives up after it).</summary>
    public TimeSpan ResponseTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long to wait for a healthy cluster before each trial.</summary>
    public TimeSpan HealthDeadline { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>Which parts to run: a, b or both.</summary>
    public string Parts { get; init; } = "ab";
}
