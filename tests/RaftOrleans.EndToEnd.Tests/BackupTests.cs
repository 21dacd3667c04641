using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using RaftOrleans.EndToEnd.Tests.Infrastructure;
using Xunit;

namespace RaftOrleans.EndToEnd.Tests;

/// <summary>
/// <c>raftkv snapshot save</c> and <c>raftkv-silo restore</c> with the real processes: a backup of a
/// three-silo cluster restores into three fresh data directories and the new cluster serves every key;
/// damaged files and non-empty targets are refused with a clear error, a distinct exit code, and
/// nothing written.
/// </summary>
public sealed class BackupTests(BackupFixture fixture) : IClassFixture<BackupFixture>
{
    private const int InvalidBackupExit = 6;
    private const int RefusedExit = 7;

    [Fact]
    public void Save_reports_index_term_size_and_the_files_checksum()
    {
        JsonElement saved = fixture.SaveResult;
        byte[] file = File.ReadAllBytes(fixture.BackupFile);

        Assert.True(saved.GetProperty("ok").GetBoolean());
        Assert.Equal(Path.GetFullPath(fixture.BackupFile), saved.GetProperty("file").GetString());
        Assert.Equal(file.Length, saved.GetProperty("bytes").GetInt64());
        // The SHA-256 trailer covers every byte before it, and is what save printed.
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(file.AsSpan(0, file.Length - 32))), saved.GetProperty("sha256").GetString());
        Assert.Equal(Convert.ToHexStringLower(file.AsSpan(file.Length - 32)), saved.GetProperty("sha256").GetString());
        // Every write was acknowledged before the save began, so the image holds them all: 300 puts
        // plus at least the leader's no-op entry, and the probe key is never written.
        Assert.Equal(BackupFixture.KeyCount, saved.GetProperty("keys").GetInt32());
        Assert.True(saved.GetProperty("index").GetInt64() > BackupFixture.KeyCount, saved.ToString());
        Assert.True(saved.GetProperty("term").GetInt64() >= 1, saved.ToString());
        Assert.Equal("RAFTKVBK"u8.ToArray(), file[..8]);
        Assert.False(File.Exists(fixture.BackupFile + ".tmp"));
    }

    [Fact]
    public async Task Save_in_text_mode_prints_one_line_with_index_term_bytes_and_checksum()
    {
        string file = Path.Combine(fixture.WorkDirectory, "text-mode.backup");

        CliResult save = await fixture.Cluster.RunClientAsync("snapshot", "save", file);

        Assert.True(save.ExitCode == 0, save.ToString());
        byte[] bytes = await File.ReadAllBytesAsync(file);
        Assert.Matches($@"^saved {System.Text.RegularExpressions.Regex.Escape(Path.GetFullPath(file))}: index=[1-9][0-9]* term=[1-9][0-9]* bytes={bytes.Length} keys={BackupFixture.KeyCount} sha256={Convert.ToHexStringLower(bytes.AsSpan(bytes.Length - 32))}$", save.Output);
    }

    [Fact]
    public async Task Backup_restores_into_three_fresh_data_directories_and_the_new_cluster_serves_every_key()
    {
        string data = Path.Combine(fixture.WorkDirectory, "restored");
        foreach (var silo in new[] { "silo1", "silo2", "silo3" })
        {
            CliResult restore = await SiloCli.RunAsync(["restore", "--from", fixture.BackupFile, "--name", silo, "--data", data]);
            Assert.True(restore.ExitCode == 0, $"restore {silo}: {restore}");
            Assert.Contains($"at index {fixture.SaveResult.GetProperty("index").GetInt64()} term {fixture.SaveResult.GetProperty("term").GetInt64()} ({BackupFixture.KeyCount} keys)", restore.StandardOutput);
        }

        // Running it again on a directory that now has Raft state is refused (the keys read back
        // below show it changed nothing).
        CliResult again = await SiloCli.RunAsync(["restore", "--from", fixture.BackupFile, "--name", "silo1", "--data", data]);
        Assert.True(again.ExitCode == RefusedExit, again.ToString());
        Assert.Contains("already has Raft state", again.StandardError);
        Assert.Contains("nothing was written", again.StandardError);

        using var restored = await ProcessCluster.StartAsync(dataDirectory: data);
        var input = new StringBuilder();
        for (var i = 0; i < BackupFixture.KeyCount; i++) input.Append(CultureInfo.InvariantCulture, $"get {BackupFixture.Key(i)}\n");
        CliResult reads = await ClientCli.RunAsync(restored.ClientArguments("--json", "shell"), input.ToString());
        var lines = reads.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == BackupFixture.KeyCount, $"expected {BackupFixture.KeyCount} results: {reads}");
        var wrong = new List<string>();
        long newestRestored = 0;
        for (var i = 0; i < BackupFixture.KeyCount; i++)
        {
            JsonElement result = JsonDocument.Parse(lines[i]).RootElement;
            if (result.TryGetProperty("revision", out JsonElement revision)) newestRestored = Math.Max(newestRestored, revision.GetInt64());
            if (!result.GetProperty("ok").GetBoolean() || result.GetProperty("value").GetString() != BackupFixture.Value(i))
            {
                wrong.Add($"get {BackupFixture.Key(i)}: {lines[i]} (expected \"{BackupFixture.Value(i)}\")");
            }
        }
        if (wrong.Count > 0) Assert.Fail($"{wrong.Count} keys did not read back:\n{string.Join('\n', wrong.Take(20))}\n{await restored.DescribeAsync()}");

        // The restored cluster accepts writes, and continues the store's revisions where the backup left them (a
        // revision counts changes to the keyspace, so it is not the Raft index the backup was taken at).
        Assert.Equal(BackupFixture.KeyCount, newestRestored);
        CliResult write = await restored.RunClientAsync("--json", "set", "after-restore", "yes");
        Assert.True(write.ExitCode == 0, write.ToString());
        Assert.True(write.Json.GetProperty("revision").GetInt64() == newestRestored + 1, write.ToString());
    }

    [Theory]
    [InlineData("header")]
    [InlineData("data")]
    [InlineData("checksum")]
    public async Task Restore_of_a_file_with_a_flipped_byte_fails_and_writes_nothing(string where)
    {
        byte[] file = await File.ReadAllBytesAsync(fixture.BackupFile);
        int at = where switch { "header" => 14, "data" => file.Length / 2, _ => file.Length - 1 };
        file[at] ^= 0x40;
        string damaged = Path.Combine(fixture.WorkDirectory, $"flipped-{where}.backup");
        await File.WriteAllBytesAsync(damaged, file);
        string data = Path.Combine(fixture.WorkDirectory, $"flipped-{where}-data");

        CliResult restore = await SiloCli.RunAsync(["restore", "--from", damaged, "--name", "silo1", "--data", data]);

        Assert.True(restore.ExitCode == InvalidBackupExit, restore.ToString());
        Assert.Contains("damaged backup file: SHA-256 checksum mismatch; nothing was written", restore.StandardError);
        Assert.False(Directory.Exists(data), $"{data} was created");
    }

    [Fact]
    public async Task Restore_of_a_truncated_file_fails_and_writes_nothing()
    {
        byte[] file = await File.ReadAllBytesAsync(fixture.BackupFile);
        string truncated = Path.Combine(fixture.WorkDirectory, "truncated.backup");
        await File.WriteAllBytesAsync(truncated, file[..(file.Length - 100)]);
        string data = Path.Combine(fixture.WorkDirectory, "truncated-data");

        CliResult restore = await SiloCli.RunAsync(["restore", "--from", truncated, "--name", "silo1", "--data", data]);

        Assert.True(restore.ExitCode == InvalidBackupExit, restore.ToString());
        Assert.Contains($"truncated backup file: {file.Length - 100} bytes, the header announces {file.Length}; nothing was written", restore.StandardError);
        Assert.False(Directory.Exists(data), $"{data} was created");
    }

    [Fact]
    public async Task Restore_of_a_file_that_is_not_a_backup_fails_and_writes_nothing()
    {
        string text = Path.Combine(fixture.WorkDirectory, "notes.txt");
        await File.WriteAllTextAsync(text, "not a backup at all");
        string data = Path.Combine(fixture.WorkDirectory, "notes-data");

        CliResult restore = await SiloCli.RunAsync(["restore", "--from", text, "--name", "silo1", "--data", data]);

        Assert.True(restore.ExitCode == InvalidBackupExit, restore.ToString());
        Assert.Contains("not a RaftOrleans backup file (bad magic); nothing was written", restore.StandardError);
        Assert.False(Directory.Exists(data), $"{data} was created");
    }
}
