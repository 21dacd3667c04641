using Npgsql;
using RaftOrleans.EndToEnd.Tests.Infrastructure;
using Xunit;

namespace RaftOrleans.EndToEnd.Tests;

/// <summary>
/// <c>raftkv-silo migrate</c> and the PostgreSQL start-up checks of <c>run</c>, against the server in
/// <c>RAFTKV_TEST_POSTGRES</c> (scripts/test.sh starts a private one). Each test gets its own database.
/// </summary>
public sealed class PostgresCommandTests : IAsyncLifetime
{
    private const int BadConfiguration = 2;
    private readonly string _data = Path.Combine(Path.GetTempPath(), $"raftkv-e2e-pg-{Guid.NewGuid():N}");
    private readonly string _databaseName = "raftkv_e2e_" + Guid.NewGuid().ToString("N")[..12];
    private readonly int[] _ports = FreePorts.Take(2);
    private string _connectionString = "";

    private static string Server => Environment.GetEnvironmentVariable("RAFTKV_TEST_POSTGRES") is { Length: > 0 } value
        ? value
        : throw new InvalidOperationException(
            "RAFTKV_TEST_POSTGRES is not set. Run the tests with scripts/test.sh, which starts a private PostgreSQL server " +
            "(scripts/postgres.sh), or set it to an Npgsql connection string whose user may CREATE DATABASE.");

    public async Task InitializeAsync()
    {
        await ExecuteAsync(Server, $"CREATE DATABASE {_databaseName};");
        _connectionString = new NpgsqlConnectionStringBuilder(Server) { Database = _databaseName }.ConnectionString;
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await ExecuteAsync(Server, $"DROP DATABASE IF EXISTS {_databaseName} WITH (FORCE);");
        if (Directory.Exists(_data))
        {
            Directory.Delete(_data, recursive: true);
        }
    }

    [Fact]
    public async Task Migrate_CreatesEveryPart_AndRunningItAgainChangesNothing()
    {
        CliResult first = await SiloCli.RunAsync(["migrate", "--postgres", _connectionString]);
        CliResult second = await SiloCli.RunAsync(["migrate", "--postgres", _connectionString]);

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Equal($"schema ready in database '{_databaseName}': Storage v1, Clustering v1, Reminders v1", first.Output);
        Assert.Equal(first.Output, second.Output);
    }

    [Fact]
    public async Task Run_OnADatabaseWithoutTheSchema_FailsNamingTheMigrateCommand()
    {
        CliResult run = await RunSiloAsync("silo1", _connectionString);

        Assert.True(run.ExitCode == BadConfiguration, run.ToString());
        Assert.Contains($"PostgreSQL database '{_databaseName}' has no Clustering schema. Run `raftkv-silo migrate --postgres", run.StandardError);
    }

    [Fact]
    public async Task Run_WithAWrongPassword_FailsSayingSo()
    {
        var wrong = new NpgsqlConnectionStringBuilder(_connectionString) { Password = "not-the-password" }.ConnectionString;

        CliResult run = await RunSiloAsync("silo1", wrong);

        Assert.True(run.ExitCode == BadConfiguration, run.ToString());
        Assert.Contains("(wrong user name or password)", run.StandardError);
    }

    [Fact]
    public async Task Run_AgainstAnUnreachableServer_FailsSayingSo()
    {
        var closedPort = FreePorts.Take(1)[0];
        var unreachable = new NpgsqlConnectionStringBuilder(_connectionString) { Host = "127.0.0.1", Port = closedPort }.ConnectionString;

        CliResult run = await RunSiloAsync("silo1", unreachable);

        Assert.True(run.ExitCode == BadConfiguration, run.ToString());
        Assert.Contains($"PostgreSQL at 127.0.0.1:{closedPort} is unreachable", run.StandardError);
    }

    [Fact]
    public async Task Run_WithTheNameOfAnActiveSilo_FailsNamingTheOtherSilo()
    {
        CliResult migrate = await SiloCli.RunAsync(["migrate", "--postgres", _connectionString]);
        Assert.True(migrate.ExitCode == 0, migrate.ToString());
        // The row a live silo1 at 10.0.0.1:11111 keeps in the membership table (status 3 = Active).
        await ExecuteAsync(_connectionString, """
            INSERT INTO OrleansMembershipVersionTable (DeploymentId) VALUES ('raftkv');
            INSERT INTO OrleansMembershipTable (DeploymentId, Address, Port, Generation, SiloName, HostName, Status, ProxyPort, StartTime, IAmAliveTime)
            VALUES ('raftkv', '10.0.0.1', 11111, 1, 'silo1', 'host-a', 3, 30001, now(), now());
            """);

        CliResult run = await RunSiloAsync("silo1", _connectionString);

        Assert.True(run.ExitCode == BadConfiguration, run.ToString());
        Assert.Contains("silo name 'silo1' is used by an active silo at 10.0.0.1:11111 in cluster 'raftkv'", run.StandardError);
    }

    [Fact]
    public async Task ThreeSiloProcesses_OnPostgres_ServeTheClient_AndSurviveTheKillOfSilo1()
    {
        CliResult migrate = await SiloCli.RunAsync(["migrate", "--postgres", _connectionString]);
        Assert.True(migrate.ExitCode == 0, migrate.ToString());
        string[] backend =
        [
            "--Clustering:Provider=postgres", $"--Clustering:ConnectionString={_connectionString}",
            "--Storage:Provider=postgres", $"--Storage:ConnectionString={_connectionString}",
        ];
        using ProcessCluster cluster = await ProcessCluster.StartAsync(3, backend, ["--postgres", _connectionString]);
        CliResult set = await cluster.RunClientAsync("set", "city", "Lyon");
        Assert.True(set.ExitCode == 0, set.ToString());

        cluster.Silos[0].Kill();
        await Eventually.UntilAsync(
            async () => (await cluster.RunClientAsync("set", "river", "Rhone")).ExitCode == 0,
            ProcessCluster.StartTimeout, "a write after silo1 was killed", cluster.DescribeAsync);
        CliResult city = await cluster.RunClientAsync("get", "city");
        CliResult river = await cluster.RunClientAsync("get", "river");

        Assert.Equal("Lyon", city.Output);
        Assert.Equal("Rhone", river.Output);
        Assert.Equal(2L, await CountAsync(_connectionString,
            "SELECT count(*) FROM OrleansMembershipTable WHERE Status = 3 AND SiloName IN ('silo2', 'silo3');"));
    }

    private static async Task<long> CountAsync(string connectionString, string sql)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var command = dataSource.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private Task<CliResult> RunSiloAsync(string name, string connectionString) => SiloCli.RunAsync(
    [
        "run", "--name", name, "--data", _data, "--silo-port", $"{_ports[0]}", "--gateway-port", $"{_ports[1]}",
        "--Clustering:Provider=postgres", $"--Clustering:ConnectionString={connectionString}",
        "--Storage:Provider=postgres", $"--Storage:ConnectionString={connectionString}",
    ]);

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }
}
