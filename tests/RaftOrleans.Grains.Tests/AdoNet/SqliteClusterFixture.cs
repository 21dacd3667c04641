using Microsoft.Extensions.Hosting;
using Xunit;

namespace RaftOrleans.Grains.Tests.AdoNet;

/// <summary>Three silos and a client on one SQLite cluster file, shared by the tests of a class.</summary>
public sealed class SqliteClusterFixture : IAsyncLifetime
{
    private readonly TempDatabaseDirectory _directory = new();
    private readonly SqliteClusterHosts _hosts;

    public SqliteClusterFixture() => _hosts = new SqliteClusterHosts(_directory);

    public IClusterClient Client { get; private set; } = null!;

    public IReadOnlyList<IHost> Silos { get; private set; } = [];

    public string ClusterPath => _hosts.ClusterPath;

    public string StoragePath(int silo) => _hosts.StoragePath(silo);

    public async Task InitializeAsync()
    {
        Silos = await _hosts.StartSilosAsync(3);
        Client = await _hosts.StartClientAsync();
    }

    public async Task DisposeAsync()
    {
        await _hosts.DisposeAsync();
        _directory.Dispose();
    }
}
