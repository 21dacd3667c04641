using RaftOrleans.Grains.AdoNet;
using Xunit;

namespace RaftOrleans.Grains.Tests.AdoNet;

[Collection(SqliteAdoNetCollection.Name)]
public sealed class SqliteClusterTests(SqliteClusterFixture cluster) : IClassFixture<SqliteClusterFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task ThreeSilos_FormACluster_InTheFile_AndAClientReachesThemThroughIt()
    {
        var hosts = await cluster.Client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);

        Assert.Equal(3, hosts.Count);
        Assert.All(hosts.Values, status => Assert.Equal(SiloStatus.Active, status));
        Assert.Equal(["silo0", "silo1", "silo2"], SqliteInspector.Strings(cluster.ClusterPath,
            "SELECT SiloName FROM OrleansMembershipTable WHERE Status = 3 ORDER BY SiloName"));
        var siloNames = await Task.WhenAll(Enumerable.Range(0, 30)
            .Select(i => cluster.Client.GetGrain<ISqliteProbeGrain>($"probe-{i}").GetSiloName()));
        Assert.All(siloNames, name => Assert.Contains(name, new[] { "silo0", "silo1", "silo2" }));
    }

    [Fact]
    public async Task EachFile_HoldsTheSchemaItsProvidersNeed()
    {
        Assert.Equal(
            new Dictionary<SqliteSchemaParts, int> { [SqliteSchemaParts.Clustering] = 1, [SqliteSchemaParts.Reminders] = 1 },
            await SqliteSchema.ReadInstalledVersionsAsync(cluster.ClusterPath));
        for (var silo = 0; silo < 3; silo++)
        {
            Assert.Equal(
                new Dictionary<SqliteSchemaParts, int> { [SqliteSchemaParts.Storage] = 1 },
                await SqliteSchema.ReadInstalledVersionsAsync(cluster.StoragePath(silo)));
        }
    }

    [Fact]
    public async Task AReminder_IsStoredInTheFile_Fires_AndGoesWhenUnregistered()
    {
        var key = $"ticker-{Guid.NewGuid():N}";
        var grain = cluster.Client.GetGrain<ISqliteProbeGrain>(key);
        var rowsOfGrain = $"SELECT count(*) FROM OrleansRemindersTable WHERE GrainId LIKE '%{key}'";

        await grain.StartTicking(TimeSpan.FromSeconds(1));
        Assert.Equal(1, SqliteInspector.Count(cluster.ClusterPath, rowsOfGrain));

        using var timeout = new CancellationTokenSource(Patience);
        var ticks = ReminderTicks.Of(key).Reader;
        var firstSilo = await ticks.ReadAsync(timeout.Token);
        var secondSilo = await ticks.ReadAsync(timeout.Token);
        Assert.Equal(firstSilo, secondSilo);

        await grain.StopTicking();
        Assert.Equal(0, SqliteInspector.Count(cluster.ClusterPath, rowsOfGrain));
    }
}
