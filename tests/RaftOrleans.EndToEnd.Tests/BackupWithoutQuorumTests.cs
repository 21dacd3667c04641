using RaftOrleans.EndToEnd.Tests.Infrastructure;
using Xunit;

namespace RaftOrleans.EndToEnd.Tests;

/// <summary>A backup needs a leader that can confirm its leadership: without a quorum, save fails within its deadline and leaves no file.</summary>
public sealed class BackupWithoutQuorumTests
{
    [Fact]
    public async Task Save_without_a_quorum_reports_unavailable_within_the_timeout_and_leaves_no_file()
    {
        using var cluster = await ProcessCluster.StartAsync();
        Assert.Equal(0, (await cluster.RunClientAsync("set", "before-the-partition", "x")).ExitCode);
        cluster.Silos[1].Kill();
        cluster.Silos[2].Kill();
        string file = Path.Combine(cluster.DataDirectory, "no-quorum.backup");

        CliResult save = await cluster.RunClientAsync("--timeout", "5", "snapshot", "save", file);

        Assert.True(save.ExitCode == 4, save.ToString());
        Assert.StartsWith("error: unavailable:", save.StandardError.Trim());
        Assert.False(File.Exists(file), "the backup file exists");
        Assert.False(File.Exists(file + ".tmp"), "the temporary file was left behind");
        // 5 s for the request, plus the client's own start and connect (up to its connect deadline).
        Assert.True(save.Elapsed < TimeSpan.FromSeconds(5 + double.Parse(ProcessCluster.ConnectTimeoutSeconds, System.Globalization.CultureInfo.InvariantCulture)), save.ToString());
    }
}
