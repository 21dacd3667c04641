using System.Net;
using RaftOrleans.Client.Connection;
using Xunit;

namespace RaftOrleans.EndToEnd.Tests;

/// <summary>
/// <see cref="RaftKeyValueClient.ConnectAsync(ConnectionSettings, CancellationToken)"/> rejects settings
/// that can never work with an <see cref="ArgumentException"/> naming the setting, before trying any
/// gateway; a data directory without a cluster is unavailable, as for <c>raftkv</c>. No silo is started.
/// </summary>
public sealed class LibraryClientSettingsTests : IDisposable
{
    private static readonly IPEndPoint Somewhere = new(IPAddress.Loopback, 1);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"raftkv-e2e-{Guid.NewGuid():N}");

    public LibraryClientSettingsTests() => Directory.CreateDirectory(_directory);

    [Fact]
    public async Task Settings_without_gateways_data_directory_or_postgres_are_rejected()
    {
        ArgumentException e = await Assert.ThrowsAsync<ArgumentException>(() => RaftKeyValueClient.ConnectAsync(new ConnectionSettings()));

        Assert.Equal("settings", e.ParamName);
        Assert.StartsWith("ConnectionSettings names no cluster: set Gateways (static gateway endpoints), DataDirectory", e.Message);
    }

    [Theory]
    [InlineData("ConnectTimeout", 0)]
    [InlineData("ConnectTimeout", -1)]
    [InlineData("RequestTimeout", 0)]
    [InlineData("RequestTimeout", -5)]
    public async Task A_timeout_that_is_not_positive_is_rejected(string setting, int seconds)
    {
        var settings = new ConnectionSettings { Gateways = [Somewhere] };
        settings = setting == "ConnectTimeout"
            ? settings with { ConnectTimeout = TimeSpan.FromSeconds(seconds) }
            : settings with { RequestTimeout = TimeSpan.FromSeconds(seconds) };

        ArgumentOutOfRangeException e = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => RaftKeyValueClient.ConnectAsync(settings));

        Assert.StartsWith($"ConnectionSettings.{setting} must be positive", e.Message);
        Assert.Equal(TimeSpan.FromSeconds(seconds), e.ActualValue);
    }

    [Fact]
    public async Task A_blank_group_is_rejected()
    {
        ArgumentException e = await Assert.ThrowsAsync<ArgumentException>(
            () => RaftKeyValueClient.ConnectAsync(new ConnectionSettings { Gateways = [Somewhere], Group = " " }));

        Assert.StartsWith("ConnectionSettings.Group must not be empty", e.Message);
    }

    [Fact]
    public async Task A_data_directory_without_a_cluster_is_unavailable_and_left_without_a_cluster_file()
    {
        ClusterUnavailableException e = await Assert.ThrowsAsync<ClusterUnavailableException>(
            () => RaftKeyValueClient.ConnectAsync(new ConnectionSettings { DataDirectory = _directory }));

        Assert.StartsWith($"no silo reachable: no cluster file at {Path.Combine(_directory, "cluster.db")}", e.Message);
        Assert.False(File.Exists(Path.Combine(_directory, "cluster.db")), "the client must not create a cluster file");
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
