using System.Globalization;
using System.Text;
using System.Text.Json;
using RaftOrleans.EndToEnd.Tests.Infrastructure;
using Xunit;

namespace RaftOrleans.EndToEnd.Tests;

/// <summary>
/// A three-silo cluster with <see cref="KeyCount"/> keys written, and one backup of it saved with
/// <c>raftkv snapshot save --json</c> into <see cref="BackupFile"/>; every test of the class uses the file.
/// </summary>
public sealed class BackupFixture : IAsyncLifetime
{
    /// <summary>Keys written before the backup.</summary>
    public const int KeyCount = 300;

    private ProcessCluster? _cluster;

    /// <summary>The source cluster.</summary>
    public ProcessCluster Cluster => _cluster ?? throw new InvalidOperationException("cluster not started");

    /// <summary>A folder for backup files and restored data directories; deleted on dispose.</summary>
    public string WorkDirectory { get; } = ProcessCluster.NewDataDirectoryPath() + "-backup";

    /// <summary>The saved backup.</summary>
    public string BackupFile => Path.Combine(WorkDirectory, "cluster.backup");

    /// <summary><c>snapshot save --json</c>'s result object.</summary>
    public JsonElement SaveResult { get; private set; }

    /// <summary>The value written for key <paramref name="i"/>.</summary>
    public static string Value(int i) => $"value-{i}-{new string((char)('a' + i % 26), i % 40)}";

    /// <summary>Key <paramref name="i"/>.</summary>
    public static string Key(int i) => $"backup-key-{i.ToString(CultureInfo.InvariantCulture)}";

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(WorkDirectory);
        _cluster = await ProcessCluster.StartAsync();
        var input = new StringBuilder();
        for (var i = 0; i < KeyCount; i++) input.Append(CultureInfo.InvariantCulture, $"set {Key(i)} {Value(i)}\n");
        CliResult writes = await ClientCli.RunAsync(Cluster.ClientArguments("--json", "shell"), input.ToString());
        var lines = writes.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == KeyCount && lines.All(l => JsonDocument.Parse(l).RootElement.GetProperty("ok").GetBoolean()),
            $"writing {KeyCount} keys: {writes}");

        CliResult save = await Cluster.RunClientAsync("--json", "snapshot", "save", BackupFile);
        if (save.ExitCode != 0) Assert.Fail($"snapshot save: {save}\n{await Cluster.DescribeAsync()}");
        SaveResult = save.Json;
    }

    /// <inheritdoc />
    public Task DisposeAsync()
    {
        _cluster?.Dispose();
        try
        {
            Directory.Delete(WorkDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A temp directory left behind is harmless.
        }
        return Task.CompletedTask;
    }
}
