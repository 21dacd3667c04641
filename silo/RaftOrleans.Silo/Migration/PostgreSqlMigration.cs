using Npgsql;
using RaftOrleans.Grains.AdoNet;
using RaftOrleans.Silo.Hosting;

namespace RaftOrleans.Silo.Migration;

/// <summary>
/// The <c>migrate</c> command: creates or upgrades every schema part (storage, clustering, reminders) in a
/// PostgreSQL database. Idempotent, and safe from several hosts at once (the schema run takes an advisory lock).
/// </summary>
public static class PostgreSqlMigration
{
    /// <summary>Runs the migration; prints the installed versions; returns the exit code.</summary>
    public static async Task<int> RunAsync(string connectionString, CancellationToken cancellationToken)
    {
        try
        {
            await using var dataSource = NpgsqlDataSource.Create(connectionString);
            await PostgreSqlSchema.EnsureCreatedAsync(dataSource, SqliteSchemaParts.All, cancellationToken);
            var versions = await PostgreSqlSchema.ReadInstalledVersionsAsync(dataSource, cancellationToken);
            var database = new NpgsqlConnectionStringBuilder(connectionString).Database;
            Console.Out.WriteLine($"schema ready in database '{database}': "
                + string.Join(", ", versions.OrderBy(v => v.Key).Select(v => $"{v.Key} v{v.Value}")));
            return SiloExitCodes.Ok;
        }
        catch (AdoNetSchemaVersionException e)
        {
            Console.Error.WriteLine($"raftkv-silo migrate: {e.Message}");
            return SiloExitCodes.BadConfiguration;
        }
        catch (Exception e) when (PostgreSqlStartupChecks.Describe(connectionString, e) is { } message)
        {
            Console.Error.WriteLine($"raftkv-silo migrate: {message}");
            return SiloExitCodes.BadConfiguration;
        }
    }
}
