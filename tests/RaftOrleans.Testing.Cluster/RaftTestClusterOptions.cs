using RaftOrleans.Grains.Hosting;

namespace RaftOrleans.Testing.Cluster;

/// <summary>How <see cref="RaftTestCluster.StartAsync(RaftTestClusterOptions)"/> builds a cluster.</summary>
public sealed record RaftTestClusterOptions
{
    /// <summary>Silos, one replica of the group each (3 or 5; any 1..9 works). Default 3.</summary>
    public int Replicas { get; init; } = 3;

    /// <summary>Further silos, named by the same rule after the replicas' (silo4, silo5 for 3 replicas), that host no
    /// member until a membership change adds their replica. Default 0.</summary>
    public int SpareSilos { get; init; }

    /// <summary>Where the per-silo SQLite files live; a new temp directory when null. Reuse one with
    /// the same <see cref="ServiceId"/> to restart a cluster on its old state.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>The Orleans service id (part of every storage row key); a new one when null.</summary>
    public string? ServiceId { get; init; }

    /// <summary>Seed of the network's loss/delay draws and the storage latency draws.</summary>
    public int Seed { get; init; }

    /// <summary>The gateway's whole-request deadline. Default 15 s.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>The gateway's per-attempt deadline. Default 1 s.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The cluster client's response timeout (Orleans default 30 s). Default 30 s.</summary>
    public TimeSpan ClientResponseTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Declares a killed silo dead in about a second (MembershipDefaults.ApplyFastDetection) instead
    /// of Orleans' 10+ s, so replicas and the gateway stop routing to it and its restart is placed
    /// at once. Default true.
    /// </summary>
    public bool FastFailureDetection { get; init; } = true;

    /// <summary>Orleans' activity propagation on the silos and the client (trace context across grain calls). Default false.</summary>
    public bool ActivityPropagation { get; init; }

    /// <summary>Further Raft settings, applied after the cluster's own.</summary>
    public Action<RaftKeyValueOptions>? ConfigureRaft { get; init; }
}
