using Microsoft.Extensions.Hosting;
using Npgsql;
using Orleans.Configuration;
using RaftOrleans.Grains.AdoNet;
using RaftOrleans.Grains.Tests.AdoNet;
using Xunit;

namespace RaftOrleans.Grains.Tests.Backends;

/// <summary>
/// PostgreSQL deployment paths against the real server: the migration is idempotent and keeps data, a silo
/// refuses a database without the schema naming the migrate command, and bad credentials fail clearly.
/// </summary>
public sealed class PostgreSqlDeploymentTests
{
    [Fact]
    public async Task Migration_RunTwice_InstallsEveryPartOnce_AndKeepsRows()
    {
        await using var database = await TestPostgres.CreateDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);

        await PostgreSqlSchema.EnsureCreatedAsync(dataSource, SqliteSchemaParts.All);
        var queries = await database.ScalarAsync<long>("SELECT count(*) FROM OrleansQuery;");
        await database.ScalarAsync<int>(
            "INSERT INTO OrleansMembershipVersionTable (DeploymentId) VALUES ('kept') RETURNING Version;");
        await PostgreSqlSchema.EnsureCreatedAsync(dataSource, SqliteSchemaParts.All);

        Assert.Equal(
            new Dictionary<SqliteSchemaParts, int>
            {
                [SqliteSchemaParts.Storage] = 1, [SqliteSchemaParts.Clustering] = 1, [SqliteSchemaParts.Reminders] = 1,
            },
            await PostgreSqlSchema.ReadInstalledVersionsAsync(dataSource));
        Assert.True(queries > 0);
        Assert.Equal(queries, await database.ScalarAsync<long>("SELECT count(*) FROM OrleansQuery;"));
        Assert.Equal(1L, await database.ScalarAsync<long>("SELECT count(*) FROM OrleansMembershipVersionTable WHERE DeploymentId = 'kept';"));
    }

    [Fact]
    public async Task ConcurrentMigrations_AllSucceed()
    {
        await using var database = await TestPostgres.CreateDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => PostgreSqlSchema.EnsureCreatedAsync(dataSource, SqliteSchemaParts.All)));

        Assert.Equal(3, (await PostgreSqlSchema.ReadInstalledVersionsAsync(dataSource)).Count);
    }

    [Fact]
    public async Task ASilo_OnADatabaseWithoutTheSchema_FailsToStart_NamingTheMigrateCommand()
    {
        await using var database = await TestPostgres.CreateDatabaseAsync();
        var ports = FreePorts.Take(2);
        using var host = new HostBuilder()
            .UseOrleans(silo => silo
                .Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = ("no-schema", "no-schema"))
                .ConfigureEndpoints(System.Net.IPAddress.Loopback, ports[0], ports[1])
                .UseRaftPostgreSqlClustering(database.ConnectionString)
                .AddRaftPostgreSqlGrainStorage("raft", database.ConnectionString))
            .Build();

        var error = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());

        var missing = FindInChain<AdoNetSchemaMissingException>(error);
        Assert.NotNull(missing);
        Assert.Null(missing.InstalledVersion);
        Assert.Contains("raftkv-silo migrate --postgres", missing.Message);
        Assert.Equal(0L, await database.ScalarAsync<long>("SELECT count(*) FROM pg_tables WHERE schemaname = 'public';"));
    }

    [Fact]
    public async Task TheSchemaCheck_PassesAfterMigration_AndRejectsWrongCredentials()
    {
        await using var database = await TestPostgres.CreateDatabaseAsync();
        await using (var dataSource = NpgsqlDataSource.Create(database.ConnectionString))
        {
            await PostgreSqlSchema.EnsureCreatedAsync(dataSource, SqliteSchemaParts.All);
        }
        await PostgreSqlSchemaCheck.VerifyAsync(database.ConnectionString, SqliteSchemaParts.All, CancellationToken.None);
        var wrongPassword = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Password = "not-the-password" }.ConnectionString;

        var error = await Assert.ThrowsAsync<PostgresException>(
            () => PostgreSqlSchemaCheck.VerifyAsync(wrongPassword, SqliteSchemaParts.All, CancellationToken.None));

        Assert.Equal(PostgresErrorCodes.InvalidPassword, error.SqlState);
    }

    private static T? FindInChain<T>(Exception? error) where T : Exception
    {
        for (; error is not null; error = error.InnerException)
        {
            if (error is T found)
            {
                return found;
            }
            if (error is AggregateException aggregate && aggregate.InnerExceptions.Select(FindInChain<T>).FirstOrDefault(e => e is not null) is { } inner)
            {
                return inner;
            }
        }
        return null;
    }
}
