namespace RaftOrleans.Bench.Load;

/// <summary>What each logical client does in a loop.</summary>
public enum Workload
{
    /// <summary>Put a random key of the key space.</summary>
    Put,
    /// <summary>Linearizable get of a random key.</summary>
    Get,
    /// <summary>Get of a random key that any replica may serve.</summary>
    StaleGet,
    /// <summary>Compare-and-swap of a random key against the value last seen for it.</summary>
    Cas,
    /// <summary>Linearizable gets and puts, <see cref="LoadSettings.ReadPercent"/> percent gets.</summary>
    Mixed,
}

/// <summary>Names of <see cref="Workload"/> on the command line and in results.</summary>
public static class Workloads
{
    /// <summary>The command-line name of <paramref name="workload"/>.</summary>
    public static string Name(this Workload workload) => workload switch
    {
        Workload.Put => "put",
        Workload.Get => "get",
        Workload.StaleGet => "stale-get",
        Workload.Cas => "cas",
        Workload.Mixed => "mixed",
        _ => throw new ArgumentOutOfRangeException(nameof(workload), workload, null),
    };

    /// <summary>Parses a command-line name; null when unknown.</summary>
    public static Workload? Parse(string name)
        => Enum.GetValues<Workload>().Cast<Workload?>().FirstOrDefault(w => string.Equals(w!.Value.Name(), name, StringComparison.OrdinalIgnoreCase));

    /// <summary>True when the workload reads or compares existing keys, so the key space is written first.</summary>
    public static bool NeedsPreload(this Workload workload) => workload != Workload.Put;
}
