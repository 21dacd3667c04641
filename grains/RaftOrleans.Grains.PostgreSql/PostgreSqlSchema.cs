using System.Data.Common;

namespace RaftOrleans.Grains.AdoNet;

/// <summary>
/// Creates and inspects the Orleans ADO.NET schema (tables and the <c>OrleansQuery</c> rows the providers
/// read at start) in a PostgreSQL database, for invariant <see cref="AdoNetInvariantNames.PostgreSql"/>.
/// </summary>
/// <remarks>
/// Takes a <see cref="DbDataSource"/> (for example <c>NpgsqlDataSource.Create(connectionString)</c>) so this
/// assembly needs no reference to Npgsql; the host that uses PostgreSQL references it. Safe to run from
/// several silos at once: the scripts run in one transaction after a transaction-scoped advisory lock.
/// </remarks>
public static class PostgreSqlSchema
{
    /// <summary>The schema version the embedded scripts create, for every part.</summary>
    public const int CurrentVersion = 1;

    /// <summary>
    /// The advisory lock key every schema run takes (the bytes of "RaftOrlS"), so concurrent runs take turns.
    /// </summary>
    public const long AdvisoryLockKey = 0x526166744F726C53;

    private const string Dialect = "PostgreSql";

    /// <summary>
    /// Makes sure the database holds the given schema parts at <see cref="CurrentVersion"/>, creating anything
    /// missing. Existing rows are kept; the query texts are replaced by this version's.
    /// </summary>
    /// <param name="dataSource">Opens connections to the database.</param>
    /// <param name="parts">The parts to create; at least one.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <exception cref="AdoNetSchemaVersionException">
    /// The database holds a part at a newer version than this code knows; nothing was changed.
    /// </exception>
    public static async Task EnsureCreatedAsync(
        DbDataSource dataSource, SqliteSchemaParts parts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        SchemaParts.Validate(parts);

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // Two sessions running CREATE TABLE IF NOT EXISTS at once can still collide in the catalog, so
        // concurrent runs queue on this lock; it is released when the transaction ends.
        await ExecuteAsync(connection, transaction, $"SELECT pg_advisory_xact_lock({AdvisoryLockKey});", cancellationToken);

        var installed = await ReadVersionsAsync(connection, transaction, cancellationToken);
        SchemaParts.ThrowIfNewer(connection.Database, parts, installed, CurrentVersion);

        await ExecuteAsync(connection, transaction, SqlScripts.Read(Dialect, "Common"), cancellationToken);
        foreach (var part in SchemaParts.Split(parts))
        {
            await ExecuteAsync(connection, transaction, SqlScripts.Read(Dialect, part.ToString()), cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Returns the schema version of each part the database holds; empty when it holds no schema.
    /// Does not change anything.
    /// </summary>
    /// <param name="dataSource">Opens connections to the database.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    public static async Task<IReadOnlyDictionary<SqliteSchemaParts, int>> ReadInstalledVersionsAsync(
        DbDataSource dataSource, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await ReadVersionsAsync(connection, null, cancellationToken);
    }

    private static async Task<Dictionary<SqliteSchemaParts, int>> ReadVersionsAsync(
        DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken)
    {
        var versions = new Dictionary<SqliteSchemaParts, int>();
        await using var exists = connection.CreateCommand();
        exists.Transaction = transaction;
        exists.CommandText = "SELECT to_regclass('raftorleansschema') IS NOT NULL;";
        if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken))!)
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

    private static async Task ExecuteAsync(
        DbConnection connection, DbTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
