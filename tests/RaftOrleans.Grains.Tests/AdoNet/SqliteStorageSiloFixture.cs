using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Storage;
using RaftOrleans.Grains.AdoNet;
using Xunit;

namespace RaftOrleans.Grains.Tests.AdoNet;

/// <summary>
/// One silo with two SQLite grain storage providers: <see cref="ProviderName"/> keeps cleared rows,
/// <see cref="DeletingProviderName"/> deletes them (<c>DeleteStateOnClear</c>).
/// </summary>
public sealed class SqliteStorageSiloFixture : IAsyncLifetime
{
    public const string ProviderName = "raft-sqlite";
    public const string DeletingProviderName = "raft-sqlite-delete";

    private readonly TempDatabaseDirectory _directory = new();
    private IHost? _host;

    public string StoragePath => _directory.PathOf("silo1/storage.db");

    public string DeletingStoragePath => _directory.PathOf("silo1/storage-delete.db");

    public IGrainStorage Storage => Services.GetRequiredKeyedService<IGrainStorage>(ProviderName);

    public IGrainStorage DeletingStorage => Services.GetRequiredKeyedService<IGrainStorage>(DeletingProviderName);

    private IServiceProvider Services => (_host ?? throw new InvalidOperationException("Not started.")).Services;

    public async Task InitializeAsync()
    {
        var ports = FreePorts.Take(2);
        _host = new HostBuilder()
            .UseOrleans(silo => silo
                .UseLocalhostClustering(ports[0], ports[1])
                // Deleting cleared rows is the extension's default; the keeping provider turns it off.
                .AddRaftSqliteGrainStorage(ProviderName, StoragePath, options => options.DeleteStateOnClear = false)
                .AddRaftSqliteGrainStorage(DeletingProviderName, DeletingStoragePath))
            .Build();
        await _host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync();
            _host.Dispose();
        }

        _directory.Dispose();
    }
}
