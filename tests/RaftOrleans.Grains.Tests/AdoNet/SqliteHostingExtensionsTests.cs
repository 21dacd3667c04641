using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Messaging;
using RaftOrleans.Grains.AdoNet;
using Xunit;

namespace RaftOrleans.Grains.Tests.AdoNet;

[Collection(SqliteAdoNetCollection.Name)]
public sealed class SqliteHostingExtensionsTests : IDisposable
{
    private readonly TempDatabaseDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void SiloExtensions_CalledTwiceWithTheSameFiles_RegisterOnce()
    {
        var cluster = _directory.PathOf("cluster.db");
        var storage = _directory.PathOf("silo0.db");
        IServiceCollection? services = null;

        using var host = new HostBuilder().UseOrleans(silo =>
        {
            for (var i = 0; i < 2; i++)
            {
                silo.UseRaftSqliteClustering(cluster)
                    .UseRaftSqliteReminders(cluster)
                    .AddRaftSqliteGrainStorage("raft", storage)
                    .AddRaftSqliteGrainStorage("raft-other", _directory.PathOf("silo0-other.db"));
            }

            services = silo.Services;
        }).Build();

        Assert.NotNull(services);
        Assert.Equal(1, services.Count(d => d.ServiceType == typeof(IMembershipTable)));
        Assert.Equal(1, services.Count(d => d.ServiceType == typeof(IReminderTable)));
        Assert.Equal(1, services.Count(d => d.ImplementationType == typeof(SqliteSchemaInitializer)));
        Assert.Equal(
            ["clustering", "reminders", "storage:raft", "storage:raft-other"],
            services.Select(d => d.ImplementationInstance).OfType<SqliteSchemaRequirement>().Select(r => r.Owner).Order());
    }

    [Fact]
    public void RaftStorage_DeletesClearedRows_UnlessTheCallerSaysOtherwise()
    {
        // Compaction clears log chunks and snapshot rows; keeping them as empty rows would grow the disk forever.
        using var host = new HostBuilder().UseOrleans(silo => silo
            .UseLocalhostClustering()
            .AddRaftSqliteGrainStorage("raft", _directory.PathOf("a.db"))
            .AddRaftSqliteGrainStorage("kept", _directory.PathOf("b.db"), o => o.DeleteStateOnClear = false)).Build();
        var options = host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<Orleans.Configuration.AdoNetGrainStorageOptions>>();

        Assert.True(options.Get("raft").DeleteStateOnClear);
        Assert.False(options.Get("kept").DeleteStateOnClear);
    }

    [Fact]
    public void SiloExtensions_ForTheSameProviderOnAnotherFile_Throw()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new HostBuilder().UseOrleans(silo => silo
            .AddRaftSqliteGrainStorage("raft", _directory.PathOf("a.db"))
            .AddRaftSqliteGrainStorage("raft", _directory.PathOf("b.db"))).Build());

        Assert.Contains("storage:raft", error.Message);
    }

    [Fact]
    public void ClientExtension_ReplacesTheGatewayListProvider_WithTheSchemaCreatingOne()
    {
        using var host = new HostBuilder().UseOrleansClient(client => client
            .UseRaftSqliteClustering(_directory.PathOf("cluster.db"))
            .UseRaftSqliteClustering(_directory.PathOf("cluster.db"))).Build();

        var providers = host.Services.GetServices<IGatewayListProvider>().ToList();

        Assert.IsType<SchemaEnsuringGatewayListProvider>(Assert.Single(providers));
    }

    [Fact]
    public async Task SchemaEnsuringGatewayListProvider_CreatesTheClusteringSchema_BeforeTheProviderReadsIt()
    {
        var path = _directory.PathOf("client-first/cluster.db");
        using var host = new HostBuilder().UseOrleansClient(client => client.UseRaftSqliteClustering(path)).Build();
        var provider = host.Services.GetRequiredService<IGatewayListProvider>();

        await provider.InitializeGatewayListProvider();

        Assert.Empty(await provider.GetGateways());
        Assert.Equal([SqliteSchemaParts.Clustering], (await SqliteSchema.ReadInstalledVersionsAsync(path)).Keys);
    }
}
