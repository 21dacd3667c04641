namespace RaftOrleans.Silo.Hosting;

/// <summary>
/// One backend choice: configuration sections <c>Storage</c> (Raft storage) and <c>Clustering</c>
/// (membership and reminders), e.g. <c>RAFTKV_Storage__Provider=postgres</c> and
/// <c>RAFTKV_Storage__ConnectionString=Host=db;...</c>, or <c>--Clustering:Provider=postgres</c>.
/// </summary>
public sealed class BackendSettings
{
    /// <summary>The storage section name.</summary>
    public const string StorageSectionName = "Storage";

    /// <summary>The clustering section name.</summary>
    public const string ClusteringSectionName = "Clustering";

    /// <summary>The provider; <see cref="BackendProvider.Sqlite"/> by default.</summary>
    public BackendProvider Provider { get; set; } = BackendProvider.Sqlite;

    /// <summary>The Npgsql connection string when <see cref="Provider"/> is <see cref="BackendProvider.Postgres"/>.</summary>
    public string? ConnectionString { get; set; }
}
