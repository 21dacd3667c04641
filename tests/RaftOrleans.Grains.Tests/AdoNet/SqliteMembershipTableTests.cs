using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime.Membership;
using Orleans.Runtime.MembershipService;
using RaftOrleans.Grains.AdoNet;
using Xunit;

namespace RaftOrleans.Grains.Tests.AdoNet;

/// <summary>
/// The membership contract of Orleans' ADO.NET clustering provider, run against our SQLite queries
/// through the provider itself: optimistic writes on the table version, heartbeats that do not move
/// it, gateways, and defunct-silo cleanup.
/// </summary>
[Collection(SqliteAdoNetCollection.Name)]
public sealed class SqliteMembershipTableTests : IAsyncLifetime
{
    private static readonly DateTime Now = new(2026, 3, 4, 5, 6, 7, 891, DateTimeKind.Utc);

    private readonly TempDatabaseDirectory _directory = new();
    private readonly AdoNetClusteringTable _table;

    public SqliteMembershipTableTests() => _table = CreateTable("cluster-a");

    private string DatabasePath => _directory.PathOf("cluster.db");

    public async Task InitializeAsync()
    {
        await SqliteSchema.EnsureCreatedAsync(DatabasePath, SqliteSchemaParts.Clustering);
        await _table.InitializeMembershipTableAsync(tryInitTableVersion: true);
    }

    public Task DisposeAsync()
    {
        _directory.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Initialize_CreatesOneVersionRow_AndAnEmptyTable()
    {
        await _table.InitializeMembershipTableAsync(tryInitTableVersion: true);

        var data = await _table.ReadAllAsync();
        Assert.Equal((0, "0"), (data.Version.Version, data.Version.VersionEtag));
        Assert.Empty(data.Members);
        Assert.Equal(1, SqliteInspector.Count(DatabasePath, "SELECT count(*) FROM OrleansMembershipVersionTable"));
    }

    [Fact]
    public async Task InsertRow_WithTheCurrentVersion_StoresEveryFieldAndBumpsTheVersion()
    {
        var version = (await _table.ReadAllAsync()).Version;
        var entry = Entry(port: 11111, SiloStatus.Joining, proxyPort: 30000);

        Assert.True(await _table.InsertRowAsync(entry, version.Next()));

        var data = await _table.ReadAllAsync();
        Assert.Equal(1, data.Version.Version);
        var (stored, etag) = Assert.Single(data.Members);
        Assert.Equal("1", etag);
        Assert.Equal(entry.SiloAddress, stored.SiloAddress);
        Assert.Equal(
            (entry.SiloName, entry.HostName, entry.Status, entry.ProxyPort, entry.StartTime, entry.IAmAliveTime),
            (stored.SiloName, stored.HostName, stored.Status, stored.ProxyPort, stored.StartTime, stored.IAmAliveTime));
    }

    [Fact]
    public async Task InsertRow_WithAStaleVersion_OrTwice_IsRefused()
    {
        var stale = (await _table.ReadAllAsync()).Version;
        var first = Entry(port: 11111, SiloStatus.Joining, proxyPort: 30000);
        Assert.True(await _table.InsertRowAsync(first, stale.Next()));

        Assert.False(await _table.InsertRowAsync(Entry(port: 11112, SiloStatus.Joining, proxyPort: 30001), stale.Next()));
        var current = (await _table.ReadAllAsync()).Version;
        Assert.False(await _table.InsertRowAsync(first, current.Next()));

        var data = await _table.ReadAllAsync();
        Assert.Equal(1, data.Version.Version);
        Assert.Equal(first.SiloAddress, Assert.Single(data.Members).Item1.SiloAddress);
    }

    [Fact]
    public async Task UpdateRow_WithTheCurrentVersion_ChangesStatusAndSuspicions_AStaleVersionChangesNothing()
    {
        var entry = Entry(port: 11111, SiloStatus.Joining, proxyPort: 30000);
        Assert.True(await _table.InsertRowAsync(entry, (await _table.ReadAllAsync()).Version.Next()));
        var read = await _table.ReadRowAsync(entry.SiloAddress);
        var voter = SiloAddress.New(IPAddress.Loopback, 22222, 7);
        entry.Status = SiloStatus.Active;
        entry.SuspectTimes = [Tuple.Create(voter, Now)];

        Assert.True(await _table.UpdateRowAsync(entry, read.Members[0].Item2, read.Version.Next()));

        entry.Status = SiloStatus.Dead;
        Assert.False(await _table.UpdateRowAsync(entry, read.Members[0].Item2, read.Version.Next()));
        var after = await _table.ReadRowAsync(entry.SiloAddress);
        Assert.Equal(2, after.Version.Version);
        var stored = Assert.Single(after.Members).Item1;
        Assert.Equal(SiloStatus.Active, stored.Status);
        var suspicion = Assert.Single(stored.SuspectTimes!);
        Assert.Equal((voter, Now), (suspicion.Item1, suspicion.Item2));
    }

    [Fact]
    public async Task RacingUpdates_FromOneReadVersion_ExactlyOneSucceeds()
    {
        var entry = Entry(port: 11111, SiloStatus.Active, proxyPort: 30000);
        Assert.True(await _table.InsertRowAsync(entry, (await _table.ReadAllAsync()).Version.Next()));
        var read = (await _table.ReadAllAsync()).Version;

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(
            () => _table.UpdateRowAsync(entry, read.VersionEtag, read.Next()))));

        Assert.Equal(1, results.Count(succeeded => succeeded));
        Assert.Equal(read.Version + 1, (await _table.ReadAllAsync()).Version.Version);
    }

    [Fact]
    public async Task UpdateIAmAlive_ChangesOnlyTheHeartbeat_AndLeavesTheVersion()
    {
        var entry = Entry(port: 11111, SiloStatus.Active, proxyPort: 30000);
        Assert.True(await _table.InsertRowAsync(entry, (await _table.ReadAllAsync()).Version.Next()));
        var before = await _table.ReadAllAsync();
        var heartbeat = Now.AddSeconds(5).AddTicks(1234);
        entry.IAmAliveTime = heartbeat;

        await _table.UpdateIAmAliveAsync(entry);

        var after = await _table.ReadAllAsync();
        Assert.Equal(before.Version.Version, after.Version.Version);
        Assert.Equal(heartbeat, Assert.Single(after.Members).Item1.IAmAliveTime);
        // A membership write based on the version read before the heartbeat still succeeds.
        entry.Status = SiloStatus.ShuttingDown;
        Assert.True(await _table.UpdateRowAsync(entry, before.Members[0].Item2, before.Version.Next()));
    }

    [Fact]
    public async Task ReadRow_OfAnUnknownSilo_ReturnsTheVersionWithoutMembers()
    {
        Assert.True(await _table.InsertRowAsync(Entry(port: 11111, SiloStatus.Active, proxyPort: 30000), (await _table.ReadAllAsync()).Version.Next()));

        var data = await _table.ReadRowAsync(SiloAddress.New(IPAddress.Loopback, 11111, 2));

        Assert.Equal(1, data.Version.Version);
        Assert.Empty(data.Members);
    }

    [Fact]
    public async Task Clusters_InOneFile_AreSeparate()
    {
        Assert.True(await _table.InsertRowAsync(Entry(port: 11111, SiloStatus.Active, proxyPort: 30000), (await _table.ReadAllAsync()).Version.Next()));
        var other = CreateTable("cluster-b");

        await other.InitializeMembershipTableAsync(tryInitTableVersion: true);

        var data = await other.ReadAllAsync();
        Assert.Equal(0, data.Version.Version);
        Assert.Empty(data.Members);
    }

    [Fact]
    public async Task Gateways_AreTheActiveSilosThatAcceptClients()
    {
        var active = Entry(port: 11111, SiloStatus.Active, proxyPort: 30000);
        var activeWithoutGateway = Entry(port: 11112, SiloStatus.Active, proxyPort: 0);
        var joining = Entry(port: 11113, SiloStatus.Joining, proxyPort: 30003);
        foreach (var entry in new[] { active, activeWithoutGateway, joining })
        {
            Assert.True(await _table.InsertRowAsync(entry, (await _table.ReadAllAsync()).Version.Next()));
        }

        var provider = new AdoNetGatewayListProvider(
            NullLogger<AdoNetGatewayListProvider>.Instance,
            new ServiceCollection().BuildServiceProvider(),
            Options.Create(new AdoNetClusteringClientOptions
            {
                Invariant = AdoNetInvariantNames.Sqlite,
                ConnectionString = SqliteConnectionStrings.ForDatabase(DatabasePath),
            }),
            Options.Create(new GatewayOptions()),
            Options.Create(new ClusterOptions { ClusterId = "cluster-a", ServiceId = "service" }));
        await provider.InitializeGatewayListProvider();

        var gateways = await provider.GetGateways();

        Assert.Equal([SiloAddress.New(IPAddress.Loopback, 30000, active.SiloAddress.Generation).ToGatewayUri()], gateways);
    }

    [Fact]
    public async Task CleanupDefunctSiloEntries_RemovesOnlyDeadSilosSilentSinceTheCutoff()
    {
        var old = Now.AddHours(-2);
        var deadLongAgo = Entry(port: 11111, SiloStatus.Joining, proxyPort: 30000, startTime: old);
        var deadLongAgoWithoutVotes = Entry(port: 11112, SiloStatus.Joining, proxyPort: 30001, startTime: old);
        var deadButRecentlyAlive = Entry(port: 11113, SiloStatus.Joining, proxyPort: 30002, startTime: old);
        var activeButSilent = Entry(port: 11114, SiloStatus.Active, proxyPort: 30003, startTime: old);
        foreach (var entry in new[] { deadLongAgo, deadLongAgoWithoutVotes, deadButRecentlyAlive, activeButSilent })
        {
            Assert.True(await _table.InsertRowAsync(entry, (await _table.ReadAllAsync()).Version.Next()));
        }

        await MarkDead(deadLongAgo, old, [Tuple.Create(activeButSilent.SiloAddress, old)]);
        await MarkDead(deadLongAgoWithoutVotes, old, []);
        await MarkDead(deadButRecentlyAlive, Now, null);
        activeButSilent.IAmAliveTime = old;
        await _table.UpdateIAmAliveAsync(activeButSilent);
        var versionBefore = (await _table.ReadAllAsync()).Version.Version;

        await _table.CleanupDefunctSiloEntriesAsync(new DateTimeOffset(Now.AddHours(-1)));

        var data = await _table.ReadAllAsync();
        Assert.Equal(
            new[] { deadButRecentlyAlive.SiloAddress, activeButSilent.SiloAddress },
            data.Members.Select(member => member.Item1.SiloAddress).OrderBy(address => address.Endpoint.Port));
        Assert.Equal(versionBefore + 2, data.Version.Version);
    }

    [Fact]
    public async Task DeleteMembershipTableEntries_RemovesTheClusterOnly()
    {
        Assert.True(await _table.InsertRowAsync(Entry(port: 11111, SiloStatus.Active, proxyPort: 30000), (await _table.ReadAllAsync()).Version.Next()));
        var other = CreateTable("cluster-b");
        await other.InitializeMembershipTableAsync(tryInitTableVersion: true);

        await _table.DeleteMembershipTableEntriesAsync("cluster-a");

        Assert.Equal(0, SqliteInspector.Count(DatabasePath, "SELECT count(*) FROM OrleansMembershipTable"));
        Assert.Equal(["cluster-b"], SqliteInspector.Strings(DatabasePath, "SELECT DeploymentId FROM OrleansMembershipVersionTable"));
    }

    private async Task MarkDead(MembershipEntry entry, DateTime lastAlive, List<Tuple<SiloAddress, DateTime>>? suspectTimes)
    {
        var read = await _table.ReadRowAsync(entry.SiloAddress);
        entry.Status = SiloStatus.Dead;
        entry.IAmAliveTime = lastAlive;
        entry.SuspectTimes = suspectTimes;
        Assert.True(await _table.UpdateRowAsync(entry, read.Members[0].Item2, read.Version.Next()));
    }

    private AdoNetClusteringTable CreateTable(string clusterId) => new(
        new ServiceCollection().BuildServiceProvider(),
        Options.Create(new ClusterOptions { ClusterId = clusterId, ServiceId = "service" }),
        Options.Create(new AdoNetClusteringSiloOptions
        {
            Invariant = AdoNetInvariantNames.Sqlite,
            ConnectionString = SqliteConnectionStrings.ForDatabase(DatabasePath),
        }),
        NullLogger<AdoNetClusteringTable>.Instance);

    private static MembershipEntry Entry(int port, SiloStatus status, int proxyPort, DateTime? startTime = null) => new()
    {
        SiloAddress = SiloAddress.New(IPAddress.Loopback, port, 1234),
        SiloName = $"silo-{port}",
        HostName = "test-host",
        Status = status,
        ProxyPort = proxyPort,
        StartTime = startTime ?? Now,
        IAmAliveTime = startTime ?? Now,
    };
}
