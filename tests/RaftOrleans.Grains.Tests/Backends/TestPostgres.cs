using Npgsql;

namespace RaftOrleans.Grains.Tests.Backends;

/// <summary>
/// The PostgreSQL server the tests use, from <c>RAFTKV_TEST_POSTGRES</c>. <c>scripts/test.sh</c> (and so
/// <c>.ci/run</c>) starts a private server and sets it; without it these tests fail, saying how to run them.
/// </summary>
internal static class TestPostgres
{
    public const string EnvironmentVariable = "RAFTKV_TEST_POSTGRES";

    /// <summary>The server's connection string (its maintenance database).</summary>
    public static string ServerConnectionString =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{EnvironmentVariable} is not set. Run the tests with scripts/test.sh, which starts a private PostgreSQL " +
                $"server (scripts/postgres.sh) and sets it, or set {EnvironmentVariable} to an Npgsql connection string of a " +
                "server where the user may CREATE DATABASE.");

    /// <summary>Creates an empty database with a unique name; dispose the result to drop it.</summary>
    public static async Task<TestDatabase> CreateDatabaseAsync()
    {
        var name = "raftkv_test_" + Guid.NewGuid().ToString("N")[..12];
        await using (var dataSource = NpgsqlDataSource.Create(ServerConnectionString))
        {
            await using var command = dataSource.CreateCommand($"CREATE DATABASE {name};");
            await command.ExecuteNonQueryAsync();
        }
        var connectionString = new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = name }.ConnectionString;
        return new TestDatabase(name, connectionString);
    }
}

/// <summary>A database created for one test or fixture; dropped on dispose.</summary>
internal sealed class TestDatabase(string name, string connectionString) : IAsyncDisposable
{
    public string Name { get; } = name;

    public string ConnectionString { get; } = connectionString;

    /// <summary>Runs a scalar query in the database.</summary>
    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var dataSource = NpgsqlDataSource.Create(ConnectionString);
        await using var command = dataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var dataSource = NpgsqlDataSource.Create(TestPostgres.ServerConnectionString);
        await using var command = dataSource.CreateCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE);");
        await command.ExecuteNonQueryAsync();
    }
}
