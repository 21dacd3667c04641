namespace RaftOrleans.Silo.Hosting;

/// <summary>
/// Where one silo lives: configuration section <c>Silo</c> (appsettings.json, <c>RAFTKV_Silo__*</c>
/// environment variables, or the <c>run</c> options, in increasing precedence).
/// </summary>
public sealed class SiloHostOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Silo";

    /// <summary>Silo name; replica i of every group lives on the silo named <c>silo{i}</c>.</summary>
    public string Name { get; set; } = "";
    /// <summary>Silo-to-silo port.</summary>
    public int SiloPort { get; set; } = 11111;
    /// <summary>Client gateway port.</summary>
    public int GatewayPort { get; set; } = 30001;
    /// <summary>Data directory: <c>cluster.db</c> (membership, reminders) and <c>&lt;name&gt;/raft.db</c>.</summary>
    public string DataDirectory { get; set; } = "./.raftkv";
    /// <summary>Orleans cluster id. Fixed by default so a restarted cluster finds its data.</summary>
    public string ClusterId { get; set; } = "raftkv";
    /// <summary>Orleans service id; storage rows are keyed by it, so it must not change between runs.</summary>
    public string ServiceId { get; set; } = "raftkv";
    /// <summary>The address the silo listens on and advertises to peers and clients.</summary>
    public string AdvertisedAddress { get; set; } = "127.0.0.1";
    /// <summary>
    /// HTTP port of the health endpoints (<c>/livez</c>, <c>/readyz</c>, <c>/health</c>) on <see cref="AdvertisedAddress"/>;
    /// 0, the default, serves none (no extra port is opened unless asked for).
    /// </summary>
    public int HealthPort { get; set; }

    /// <summary>The full path of the data directory.</summary>
    public string DataPath => Path.GetFullPath(DataDirectory);
    /// <summary>The shared membership and reminder database.</summary>
    public string ClusterDatabasePath => Path.Combine(DataPath, "cluster.db");
    /// <summary>This silo's own directory.</summary>
    public string SiloDirectory => Path.Combine(DataPath, Name);
    /// <summary>This silo's Raft storage file (kept apart from the shared file: SQLite writers block each other).</summary>
    public string RaftDatabasePath => Path.Combine(SiloDirectory, "raft.db");
    /// <summary>The file holding this silo's process id while it runs.</summary>
    public string PidFilePath => Path.Combine(SiloDirectory, "silo.pid");
}
