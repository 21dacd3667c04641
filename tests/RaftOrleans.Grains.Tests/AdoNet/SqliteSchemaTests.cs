using System.Diagnostics;
using RaftOrleans.Grains.AdoNet;
using Xunit;
using Xunit.Abstractions;

namespace RaftOrleans.Grains.Tests.AdoNet;

[Collection(SqliteAdoNetCollection.Name)]
public sealed class SqliteSchemaTests(ITestOutputHelper output) : IDisposable
{
    private static readonly string[] StorageKeys =
        ["ClearStorageKey", "DeleteStorageKey", "ReadFromStorageKey", "WriteToStorageKey"];

    private static readonly string[] ClusteringKeys =
    [
        "CleanupDefunctSiloEntriesKey", "CleanupDefunctSiloEntryKey", "DeleteMembershipTableEntriesKey",
        "GatewaysQueryKey", "InsertMembershipKey", "InsertMembershipVersionKey", "MembershipReadAllKey",
        "MembershipReadRowKey", "UpdateIAmAlivetimeKey", "UpdateMembershipKey",
    ];

    private static readonly string[] ReminderKeys =
    [
        "DeleteReminderRowKey", "DeleteReminderRowsKey", "ReadRangeRows1Key", "ReadRangeRows2Key",
        "ReadReminderRowKey", "ReadReminderRowsKey", "UpsertReminderRowKey",
    ];

    private readonly TempDatabaseDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task EnsureCreated_AllParts_InstallsEveryQueryKeyTheProvidersRead_InWalMode()
    {
        var path = _directory.PathOf("nested/dir/cluster.db");

        await SqliteSchema.EnsureCreatedAsync(path, SqliteSchemaParts.All);

        Assert.Equal(
            StorageKeys.Concat(ClusteringKeys).Concat(ReminderKeys).Order(StringComparer.Ordinal),
            SqliteInspector.Strings(path, "SELECT QueryKey FROM OrleansQuery ORDER BY QueryKey"));
        Assert.Equal("wal", SqliteInspector.Scalar(path, "PRAGMA journal_mode"));
        var versions = await SqliteSchema.ReadInstalledVersionsAsync(path);
        Assert.Equal(
            new Dictionary<SqliteSchemaParts, int>
            {
                [SqliteSchemaParts.Storage] = 1,
                [SqliteSchemaParts.Clustering] = 1,
                [SqliteSchemaParts.Reminders] = 1,
            },
            versions);
    }

    [Fact]
    public async Task EnsureCreated_OnlyStorage_InstallsOnlyStorage()
    {
        var path = _directory.PathOf("silo1.db");

        await SqliteSchema.EnsureCreatedAsync(path, SqliteSchemaParts.Storage);

        Assert.Equal(StorageKeys, SqliteInspector.Strings(path, "SELECT QueryKey FROM OrleansQuery ORDER BY QueryKey"));
        Assert.Equal(0, SqliteInspector.Count(path, "SELECT count(*) FROM sqlite_master WHERE name = 'OrleansMembershipTable'"));
        Assert.Equal([SqliteSchemaParts.Storage], (await SqliteSchema.ReadInstalledVersionsAsync(path)).Keys);
    }

    [Fact]
    public async Task EnsureCreated_Again_KeepsDataAndRestoresQueryTexts()
    {
        var path = _directory.PathOf("cluster.db");
        await SqliteSchema.EnsureCreatedAsync(path, SqliteSchemaParts.All);
        SqliteInspector.Execute(path, "INSERT INTO OrleansMembershipVersionTable (DeploymentId, Version) VALUES ('c1', 7)");
        SqliteInspector.Execute(path, "UPDATE OrleansQuery SET QueryText = 'broken' WHERE QueryKey = 'GatewaysQueryKey'");

        await SqliteSchema.EnsureCreatedAsync(path, SqliteSchemaParts.All);

        Assert.Equal(7, SqliteInspector.Count(path, "SELECT Version FROM OrleansMembershipVersionTable WHERE DeploymentId = 'c1'"));
        Assert.Equal(21, SqliteInspector.Count(path, "SELECT count(*) FROM OrleansQuery"));
        Assert.Contains("SELECT Address, ProxyPort, Generation", (string)SqliteInspector.Scalar(path,
            "SELECT QueryText FROM OrleansQuery WHERE QueryKey = 'GatewaysQueryKey'")!);
        Assert.Equal(3, SqliteInspector.Count(path, "SELECT count(*) FROM RaftOrleansSchema WHERE Version = 1"));
    }

    [Fact]
    public async Task EnsureCreated_ThreeConcurrentCallersOnAFreshFile_AllSucceed()
    {
        // Several rounds on new files: the race is widest while the file does not exist yet.
        for (var round = 0; round < 5; round++)
        {
            var path = _directory.PathOf($"round{round}/cluster.db");
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var callers = Enumerable.Range(0, 3)
                .Select(_ => Task.Run(async () =>
                {
                    await start.Task;
                    await SqliteSchema.EnsureCreatedAsync(path, SqliteSchemaParts.All);
                }))
                .ToArray();

            start.SetResult();
            await Task.WhenAll(callers);

            Assert.Equal(21, SqliteInspector.Count(path, "SELECT count(*) FROM OrleansQuery"));
            Assert.Equal(3, SqliteInspector.Count(path, "SELECT count(*) FROM RaftOrleansSchema WHERE Version = 1"));
            Assert.Equal(3, SqliteInspector.Count(path, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger'"));
        }
    }

    [Fact]
    public async Task EnsureCreated_RefusesAFileWithANewerSchema_AndChangesNothing()
    {
        var path = _directory.PathOf("cluster.db");
        await SqliteSchema.EnsureCreatedAsync(path, SqliteSchemaParts.Clustering);
        SqliteInspector.Execute(path, "UPDATE RaftOrleansSchema SET Version = 2 WHERE Component = 'Clustering'");
        SqliteInspector.Execute(path, "UPDATE OrleansQuery SET QueryText = 'from v2' WHERE QueryKey = 'GatewaysQueryKey'");

        var error = await Assert.ThrowsAsync<AdoNetSchemaVersionException>(
            () => SqliteSchema.EnsureCreatedAsync(path, SqliteSchemaParts.Clustering | SqliteSchemaParts.Reminders));

        Assert.Equal(SqliteSchemaParts.Clustering, error.Part);
        Assert.Equal(2, error.InstalledVersion);
        Assert.Equal(SqliteSchema.CurrentVersion, error.SupportedVersion);
        Assert.Equal("from v2", SqliteInspector.Scalar(path, "SELECT QueryText FROM OrleansQuery WHERE QueryKey = 'GatewaysQueryKey'"));
        Assert.Equal(0, SqliteInspector.Count(path, "SELECT count(*) FROM sqlite_master WHERE name = 'OrleansRemindersTable'"));
    }

    [Fact]
    public async Task ReadInstalledVersions_OfAMissingFile_IsEmptyAndCreatesNoFile()
    {
        var path = _directory.PathOf("absent.db");

        var versions = await SqliteSchema.ReadInstalledVersionsAsync(path);

        Assert.Empty(versions);
        Assert.False(File.Exists(path));
    }

    [Theory]
    [InlineData(SqliteSchemaParts.None)]
    [InlineData((SqliteSchemaParts)8)]
    public async Task EnsureCreated_WithoutKnownParts_Throws(SqliteSchemaParts parts)
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            () => SqliteSchema.EnsureCreatedAsync(_directory.PathOf("x.db"), parts));
        Assert.False(File.Exists(_directory.PathOf("x.db")));
    }

    [Fact]
    public async Task SchemaCreationTime_IsReported()
    {
        const int Files = 10;
        var fresh = new List<double>();
        var existing = new List<double>();
        for (var i = 0; i < Files; i++)
        {
            var path = _directory.PathOf($"timing{i}.db");
            var stopwatch = Stopwatch.StartNew();
            await SqliteSchema.EnsureCreatedAsync(path, SqliteSchemaParts.All);
            fresh.Add(stopwatch.Elapsed.TotalMilliseconds);
            stopwatch.Restart();
            await SqliteSchema.EnsureCreatedAsync(path, SqliteSchemaParts.All);
            existing.Add(stopwatch.Elapsed.TotalMilliseconds);
            Assert.Equal(21, SqliteInspector.Count(path, "SELECT count(*) FROM OrleansQuery"));
        }

        output.WriteLine($"EnsureCreatedAsync(All) on a new file: median {Percentile.Of(fresh, 50):F1} ms, max {fresh.Max():F1} ms ({Files} files)");
        output.WriteLine($"EnsureCreatedAsync(All) on an existing file: median {Percentile.Of(existing, 50):F1} ms, max {existing.Max():F1} ms");
    }
}
