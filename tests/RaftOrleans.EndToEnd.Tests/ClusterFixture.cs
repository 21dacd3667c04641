using RaftOrleans.EndToEnd.Tests.Infrastructure;
using Xunit;

namespace RaftOrleans.EndToEnd.Tests;

/// <summary>A three-silo cluster shared by the tests of one class (each test uses its own keys).</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    private ProcessCluster? _cluster;

    /// <summary>The running cluster.</summary>
    public ProcessCluster Cluster => _cluster ?? throw new InvalidOperationException("cluster not started");

    /// <inheritdoc />
    public async Task InitializeAsync() => _cluster = await ProcessCluster.StartAsync();

    /// <inheritdoc />
    public Task DisposeAsync()
    {
        _cluster?.Dispose();
        return Task.CompletedTask;
    }
}
