using System.Net.Sockets;
using Npgsql;
using RaftOrleans.Grains.AdoNet;

namespace RaftOrleans.Silo.Hosting;

/// <summary>
/// Checks a PostgreSQL backend before Orleans starts, so an unreachable server, wrong credentials, a missing
/// schema or a silo name already in use fail in seconds with a sentence the user can act on.
/// </summary>
public static class PostgreSqlStartupChecks
{
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(15);

    /// <summary>Connects and verifies the schema parts; throws <see cref="StartupException"/>.</summary>
    public static async Task VerifyAsync(string what, string connectionString, SqliteSchemaParts parts)
    {
        using var timeout = new CancellationTokenSource(CheckTimeout);
        try
        {
            await PostgreSqlSchemaCheck.VerifyAsync(connectionString, parts, timeout.Token);
        }
        catch (Exception e) when (e is AdoNetSchemaMissingException or AdoNetSchemaVersionException)
        {
            throw new StartupException(SiloExitCodes.BadConfiguration, $"{what}: {e.Message}", e);
        }
        catch (Exception e) when (Describe(connectionString, e) is { } message)
        {
            throw new StartupException(SiloExitCodes.BadConfiguration, $"{what}: {message}", e);
        }
    }

    /// <summary>
    /// Throws when the membership table holds an Active row (status 3) for <paramref name="siloName"/> in
    /// this cluster on another endpoint than <paramref name="address"/>:<paramref name="port"/>: two
    /// silos with one name would both claim the same Raft replicas. An Active row on this silo's own
    /// endpoint is its previous incarnation (killed, and not yet declared dead by the stall-tolerant
    /// membership): Orleans declares it dead as this one joins, so a supervisor's restart proceeds.
    /// </summary>
    public static async Task EnsureSiloNameFreeAsync(string connectionString, string clusterId, string siloName, string address, int port)
    {
        using var timeout = new CancellationTokenSource(CheckTimeout);
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var command = dataSource.CreateCommand(
            "SELECT Address, Port FROM OrleansMembershipTable WHERE DeploymentId = $1 AND SiloName = $2 AND Status = 3 AND NOT (Address = $3 AND Port = $4) LIMIT 1;");
        command.Parameters.Add(new NpgsqlParameter { Value = clusterId });
        command.Parameters.Add(new NpgsqlParameter { Value = siloName });
        command.Parameters.Add(new NpgsqlParameter { Value = address });
        command.Parameters.Add(new NpgsqlParameter { Value = port });
        await using var reader = await command.ExecuteReaderAsync(timeout.Token);
        if (await reader.ReadAsync(timeout.Token))
        {
            throw new StartupException(SiloExitCodes.BadConfiguration,
                $"silo name '{siloName}' is used by an active silo at {reader.GetString(0)}:{reader.GetInt32(1)} in cluster '{clusterId}'; "
                + "give each host its own name (silo1, silo2, ...). If that was this silo before it moved to a new address, "
                + "the cluster declares it dead within about 30 s; a supervisor's retry then succeeds.");
        }
    }

    /// <summary>A user-facing sentence for a connection failure, or null when <paramref name="e"/> is not one.</summary>
    public static string? Describe(string connectionString, Exception e)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var server = $"PostgreSQL at {builder.Host}:{builder.Port}";
        return e switch
        {
            PostgresException { SqlState: "28P01" or "28000" } =>
                $"{server} rejected user '{builder.Username}' (wrong user name or password): {e.Message}",
            PostgresException { SqlState: "3D000" } =>
                $"{server} has no database '{builder.Database}': {e.Message}",
            NpgsqlException { InnerException: SocketException or TimeoutException } or NpgsqlException { IsTransient: true } or OperationCanceledException =>
                $"{server} is unreachable (is it running, and is the host/port right?): {e.GetBaseException().Message}",
            ArgumentException =>
                $"the PostgreSQL connection string is invalid: {e.Message}",
            _ => null,
        };
    }
}
