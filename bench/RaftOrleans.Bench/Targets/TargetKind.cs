namespace RaftOrleans.Bench.Targets;

/// <summary>The systems the benchmark can drive.</summary>
public enum TargetKind
{
    /// <summary>The RaftOrleans cluster, through the Orleans client and the <c>IKeyValueGrain</c> gateway.</summary>
    RaftOrleans,
    /// <summary>The unreplicated baseline grain, through the same Orleans client and a gateway-like grain.</summary>
    Baseline,
    /// <summary>An etcd cluster, through the dotnet-etcd client.</summary>
    Etcd,
}

/// <summary>Names of <see cref="TargetKind"/> on the command line and in results.</summary>
public static class TargetKinds
{
    /// <summary>The lower-case name of <paramref name="kind"/>.</summary>
    public static string Name(this TargetKind kind) => kind switch
    {
        TargetKind.RaftOrleans => "raftorleans",
        TargetKind.Baseline => "baseline",
        TargetKind.Etcd => "etcd",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
