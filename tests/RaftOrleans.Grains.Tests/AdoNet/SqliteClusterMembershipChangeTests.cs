using Xunit;

namespace RaftOrleans.Grains.Tests.AdoNet;

[Collection(SqliteAdoNetCollection.Name)]
public sealed class SqliteClusterMembershipChangeTests : IAsyncLifetime
{
    private readonly TempDatabaseDirectory _directory = new();
    private readonly SqliteClusterHosts _hosts;

    public SqliteClusterMembershipChangeTests() => _hosts = new SqliteClusterHosts(_directory);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _hosts.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task AStoppedSilo_IsDeclaredDeadInTheFile_AndTheOthersKeepServing()
    {
        var silos = await _hosts.StartSilosAsync(2);
        var client = await _hosts.StartClientAsync();

        await silos[1].StopAsync();

        Assert.Equal(["silo0:3", "silo1:6"], SqliteInspector.Strings(_hosts.ClusterPath,
            "SELECT SiloName || ':' || Status FROM OrleansMembershipTable ORDER BY SiloName"));
        var siloNames = await Task.WhenAll(Enumerable.Range(0, 10)
            .Select(i => client.GetGrain<ISqliteProbeGrain>($"after-stop-{i}").GetSiloName()));
        Assert.All(siloNames, name => Assert.Equal("silo0", name));
    }
}
