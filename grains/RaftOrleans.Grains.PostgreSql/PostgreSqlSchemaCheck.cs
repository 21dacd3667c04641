using Npgsql;
using Orleans.Runtime;

namespace RaftOrleans.Grains.AdoNet;

/// <summary>
/// Verifies, before any ADO.NET provider of this silo starts, that every PostgreSQL database it uses holds
/// the schema parts at <see cref="PostgreSqlSchema.CurrentVersion"/>. Never creates anything.
/// </summary>
/// <remarks>
/// Runs at <see cref="ServiceLifecycleStage.First"/> for the same reason as <c>SqliteSchemaInitializer</c>:
/// the providers read their query rows at later stages, and a missing row there surfaces as an obscure
/// "query key not found" error; here it becomes <see cref="AdoNetSchemaMissingException"/> naming the
/// migrate command.
/// </remarks>
public sealed class PostgreSqlSchemaCheck : ILifecycleParticipant<ISiloLifecycle>
{
    private readonly IEnumerable<PostgreSqlSchemaRequirement> requirements;

    internal PostgreSqlSchemaCheck(IEnumerable<PostgreSqlSchemaRequirement> requirements) => this.requirements = requirements;

    /// <inheritdoc />
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(PostgreSqlSchemaCheck), ServiceLifecycleStage.First, CheckAsync);

    private async Task CheckAsync(CancellationToken cancellationToken)
    {
        var partsByDatabase = requirements
            .GroupBy(requirement => requirement.ConnectionString, StringComparer.Ordinal)
            .Select(database => (ConnectionString: database.Key, Parts: database.Aggregate(SqliteSchemaParts.None, (parts, r) => parts | r.Parts)));
        foreach (var (connectionString, parts) in partsByDatabase)
        {
            await VerifyAsync(connectionString, parts, cancellationToken);
        }
    }

    /// <summary>
    /// Throws <see cref="AdoNetSchemaMissingException"/> when a part is missing or old, and
    /// <see cref="AdoNetSchemaVersionException"/> when one is newer than this build. Connection failures
    /// surface as Npgsql's own exceptions.
    /// </summary>
    /// <param name="connectionString">Npgsql connection string.</param>
    /// <param name="parts">The parts that must be present and current.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    public static async Task VerifyAsync(string connectionString, SqliteSchemaParts parts, CancellationToken cancellationToken)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var installed = await PostgreSqlSchema.ReadInstalledVersionsAsync(dataSource, cancellationToken);
        var database = new NpgsqlConnectionStringBuilder(connectionString).Database ?? "(default)";
        SchemaParts.ThrowIfNewer(database, parts, installed, PostgreSqlSchema.CurrentVersion);
        foreach (var part in SchemaParts.Split(parts))
        {
            if (!installed.TryGetValue(part, out var version) || version < PostgreSqlSchema.CurrentVersion)
            {
                throw new AdoNetSchemaMissingException(
                    database, part, installed.TryGetValue(part, out var v) ? v : null, PostgreSqlSchema.CurrentVersion);
            }
        }
    }
}
