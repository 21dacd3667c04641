using Microsoft.Data.Sqlite;

namespace RaftOrleans.Grains.AdoNet;

/// <summary>
/// Creates and inspects the Orleans ADO.NET schema (tables, triggers and the <c>OrleansQuery</c> rows the
/// providers read at start) in a SQLite database file.
/// </summary>
/// <remarks>
/// Safe to run from several processes at once against one file: the scripts run inside one
/// <c>BEGIN IMMEDIATE</c> transaction, so writers take turns, and every statement is idempotent.
/// The file is switched to write-ahead logging (WAL), which lets readers and one writer work at the same
/// time across processes; the mode is stored in the file, so the providers' own connections use it too.
/// </remarks>
public static class SqliteSchema
{
    /// <summary>The schema version the embedded scripts create, for every part.</summary>
    public const int CurrentVersion = 1;

    private const string Dialect = "Sqlite";

    /// <summary>
    /// Makes sure the file at <paramref name="databasePath"/> holds the given schema parts at
    /// <see cref="CurrentVersion"/>, creating the directory, the file and anything missing.
    /// Existing rows are kept; the query texts are replaced by this version's.
    /// </summary>
    /// <param name="databasePath">Path of the database file.</param>
    /// <param name="parts">The parts to create; at least one.</param>
    /// <param name="cancellationToken">Cancels the work before it reaches the file.</param>
    /// <exception cref="AdoNetSchemaVersionException">
    /// The file holds a part at a newer version than this code knows; nothing was changed.
    /// </exception>
    /// <exception cref="InvalidOperationException">The file system does not support WAL mode.</exception>
    public static async Task EnsureCreatedAsync(
        string databasePath, SqliteSchemaParts parts, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        SchemaParts.Validate(parts);

        var fullPath = Path.GetFullPath(databasePath);
        Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);

        await using var connection = new SqliteConnection(SqliteConnectionStrings.ForOneOffUse(fullPath));
        await connection.OpenAsync(cancellationToken);

        // While another process holds the file, let SQLite retry in short steps (1, 2, 5, 10 ms ...) rather
        // than Microsoft.Data.Sqlite's own 150 ms sleeps: three silos often start together.
        await ExecuteScalarAsync(connection, null,
            $"PRAGMA busy_timeout = {SqliteConnectionStrings.BusyTimeoutSeconds * 1000};", cancellationToken);

        // journal_mode cannot change inside a transaction, so it comes first.
        var journalMode = (string?)await ExecuteScalarAsync(connection, null, "PRAGMA journal_mode = WAL;", cancellationToken);
        if (!string.Equals(journalMode, "wal", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(
                $"SQLite file '{fullPath}' cannot use WAL journal mode (got '{journalMode}'); " +
                "several processes cannot share it safely.");
        }

        // IMMEDIATE takes the write lock at BEGIN: a second process running the same script waits here
        // instead of failing halfway, and sees the first one's tables when it gets the lock.
        await using var transaction = connection.BeginTransaction(deferred: false);

        var installed = await ReadVersionsAsync(connection, transaction, cancellationToken);
        SchemaParts.ThrowIfNewer(fullPath, parts, installed, CurrentVersion);

        await ExecuteNonQueryAsync(connection, transaction, SqlScripts.Read(Dialect, "Common"), cancellationToken);
        foreach (var part in SchemaParts.Split(parts))
        {
            await ExecuteNonQueryAsync(connection, transaction, SqlScripts.Read(Dialect, part.ToString()), cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Returns the schema version of each part the file holds; empty when the file does not exist or holds
    /// no schema. Does not create or change anything.
    /// </summary>
    /// <param name="databasePath">Path of the database file.</param>
    /// <param name="cancellationToken">Cancels the work before it reaches the file.</param>
    public static async Task<IReadOnlyDictionary<SqliteSchemaParts, int>> ReadInstalledVersionsAsync(
        string databasePath, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        var fullPath = Path.GetFullPath(databasePath);
        if (!File.Exists(fullPath))
        {
            return new Dictionary<SqliteSchemaParts, int>();
        }

        var builder = new SqliteConnectionStringBuilder(SqliteConnectionStrings.ForOneOffUse(fullPath))
        {
            Mode = SqliteOpenMode.ReadOnly,
        };
        await using var connection = new SqliteConnection(builder.ToString());
        await connection.OpenAsync(cancellationToken);
        return await ReadVersionsAsync(connection, null, cancellationToken);
    }

    private static async Task<Dictionary<SqliteSchemaParts, int>> ReadVersionsAsync(
        SqliteConnection connection, SqliteTransaction? transaction, CancellationToken cancellationToken)
    {
        var versions = new Dictionary<SqliteSchemaParts, int>();
        var tableCount = (long)(await ExecuteScalarAsync(connection, transaction,
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'RaftOrleansSchema';",
            cancellationToken))!;
        if (tableCount == 0)
        {
            return versions;
        }

        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT Component, Version FROM RaftOrleansSchema;";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (SchemaParts.TryParseComponent(reader.GetString(0), out var part))
            {
                versions[part] = reader.GetInt32(1);
            }
        }

        return versions;
    }

    private static async Task ExecuteNonQueryAsync(
        SqliteConnection connection, SqliteTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<object?> ExecuteScalarAsync(
        SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(cancellationToken);
    }
}
