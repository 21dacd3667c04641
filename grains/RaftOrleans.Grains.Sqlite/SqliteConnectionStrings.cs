using Microsoft.Data.Sqlite;

namespace RaftOrleans.Grains.AdoNet;

/// <summary>
/// Connection strings for the SQLite files that back Orleans' ADO.NET providers.
/// </summary>
public static class SqliteConnectionStrings
{
    /// <summary>
    /// Seconds a command keeps retrying while the file is locked by another connection or process.
    /// Generous on purpose: three silo processes share the cluster file, and a lock is held for one
    /// short write transaction at a time, so a wait this long means something is stuck.
    /// </summary>
    public const int BusyTimeoutSeconds = 30;

    /// <summary>
    /// The connection string for the database file at <paramref name="databasePath"/> (made absolute, so
    /// every provider and process names the same file), created on first open, with pooled connections.
    /// </summary>
    /// <param name="databasePath">Path of the database file.</param>
    public static string ForDatabase(string databasePath) => Build(databasePath, pooling: true);

    /// <summary>
    /// The same file without pooling, for one-off work (schema creation) that must not leave the file open.
    /// </summary>
    internal static string ForOneOffUse(string databasePath) => Build(databasePath, pooling: false);

    private static string Build(string databasePath, bool pooling)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        return new SqliteConnectionStringBuilder
        {
            DataSource = Path.GetFullPath(databasePath),
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = pooling,
            DefaultTimeout = BusyTimeoutSeconds,
        }.ToString();
    }
}
