using System.Text.Json;
using RaftOrleans.EndToEnd.Tests.Infrastructure;
using Xunit;

namespace RaftOrleans.EndToEnd.Tests;

/// <summary>The <c>raftkv</c> commands against three real silo processes, checked by output and exit code.</summary>
public sealed class ClientCommandTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private ProcessCluster Cluster => fixture.Cluster;

    [Fact]
    public async Task Set_then_get_prints_the_value()
    {
        CliResult set = await Cluster.RunClientAsync("set", "greeting", "hello world");
        Assert.True(set.ExitCode == 0, set.ToString());
        Assert.Matches(@"^OK revision=[1-9][0-9]*$", set.Output);

        CliResult get = await Cluster.RunClientAsync("get", "greeting");
        Assert.True(get.ExitCode == 0, get.ToString());
        Assert.Equal("hello world", get.Output);
    }

    [Fact]
    public async Task Get_of_a_missing_key_exits_2_with_not_found()
    {
        CliResult get = await Cluster.RunClientAsync("get", "never-written");

        Assert.Equal(2, get.ExitCode);
        Assert.Equal("", get.StandardOutput);
        Assert.StartsWith("error: not_found:", get.StandardError.Trim());
    }

    [Fact]
    public async Task Delete_removes_the_key_and_a_second_delete_is_not_found()
    {
        Assert.Equal(0, (await Cluster.RunClientAsync("set", "doomed", "x")).ExitCode);

        CliResult delete = await Cluster.RunClientAsync("delete", "doomed");
        Assert.True(delete.ExitCode == 0, delete.ToString());
        Assert.Equal(2, (await Cluster.RunClientAsync("get", "doomed")).ExitCode);
        Assert.Equal(2, (await Cluster.RunClientAsync("delete", "doomed")).ExitCode);
    }

    [Fact]
    public async Task Cas_on_value_swaps_only_when_the_value_matches()
    {
        Assert.Equal(0, (await Cluster.RunClientAsync("set", "counter", "1")).ExitCode);

        CliResult swapped = await Cluster.RunClientAsync("cas", "counter", "1", "2");
        Assert.True(swapped.ExitCode == 0, swapped.ToString());

        CliResult conflict = await Cluster.RunClientAsync("--json", "cas", "counter", "1", "3");
        Assert.Equal(3, conflict.ExitCode);
        Assert.False(conflict.Json.GetProperty("ok").GetBoolean());
        Assert.Equal("cas_conflict", conflict.Json.GetProperty("error").GetString());
        Assert.Equal("2", conflict.Json.GetProperty("value").GetString());

        Assert.Equal("2", (await Cluster.RunClientAsync("get", "counter")).Output);
    }

    [Fact]
    public async Task Cas_on_revision_and_absence_follows_the_key_revision()
    {
        CliResult created = await Cluster.RunClientAsync("--json", "cas", "lock", "owner-a", "--expect-absent");
        Assert.True(created.ExitCode == 0, created.ToString());
        long revision = created.Json.GetProperty("revision").GetInt64();
        Assert.True(revision > 0, created.ToString());

        Assert.Equal(3, (await Cluster.RunClientAsync("cas", "lock", "owner-b", "--expect-absent")).ExitCode);

        CliResult moved = await Cluster.RunClientAsync("--json", "cas", "lock", "owner-b", "--expect-revision", $"{revision}");
        Assert.True(moved.ExitCode == 0, moved.ToString());
        Assert.True(moved.Json.GetProperty("revision").GetInt64() > revision, moved.ToString());

        // The old revision no longer matches.
        Assert.Equal(3, (await Cluster.RunClientAsync("cas", "lock", "owner-c", "--expect-revision", $"{revision}")).ExitCode);
        Assert.Equal("owner-b", (await Cluster.RunClientAsync("get", "lock")).Output);
    }

    [Fact]
    public async Task Json_results_have_the_documented_shape()
    {
        CliResult set = await Cluster.RunClientAsync("--json", "set", "shape", "v1");
        Assert.True(set.ExitCode == 0, set.ToString());
        Assert.Equal(["ok", "revision"], PropertyNames(set.Json));
        Assert.True(set.Json.GetProperty("ok").GetBoolean());
        long revision = set.Json.GetProperty("revision").GetInt64();

        CliResult get = await Cluster.RunClientAsync("get", "shape", "--json");
        Assert.True(get.ExitCode == 0, get.ToString());
        Assert.Equal(["ok", "value", "revision"], PropertyNames(get.Json));
        Assert.Equal("v1", get.Json.GetProperty("value").GetString());
        Assert.Equal(revision, get.Json.GetProperty("revision").GetInt64());

        CliResult missing = await Cluster.RunClientAsync("--json", "get", "shape-missing");
        Assert.Equal(2, missing.ExitCode);
        Assert.Equal(["ok", "error", "message"], PropertyNames(missing.Json));
        Assert.False(missing.Json.GetProperty("ok").GetBoolean());
        Assert.Equal("not_found", missing.Json.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Piped_shell_answers_each_line_with_one_json_line()
    {
        string input = "set piped 1\nget piped\nfrobnicate piped\ncas piped 1 2\ncas piped 1 3\nget piped\ndelete piped\nget piped\n";
        CliResult shell = await ClientCli.RunAsync(Cluster.ClientArguments("--json"), input);

        Assert.True(shell.ExitCode == 0, shell.ToString());
        JsonElement[] lines = [.. shell.Output.Split('\n').Select(l => JsonDocument.Parse(l).RootElement.Clone())];
        Assert.Equal(8, lines.Length);
        Assert.True(lines[0].GetProperty("ok").GetBoolean());
        Assert.Equal("1", lines[1].GetProperty("value").GetString());
        Assert.Equal("bad_input", lines[2].GetProperty("error").GetString());
        Assert.True(lines[3].GetProperty("ok").GetBoolean());
        Assert.Equal("cas_conflict", lines[4].GetProperty("error").GetString());
        Assert.Equal("2", lines[5].GetProperty("value").GetString());
        Assert.True(lines[6].GetProperty("ok").GetBoolean());
        Assert.Equal("not_found", lines[7].GetProperty("error").GetString());
    }

    [Fact]
    public async Task Piped_shell_in_text_mode_prints_one_plain_line_per_command()
    {
        CliResult shell = await ClientCli.RunAsync(Cluster.ClientArguments("shell"), "set text-mode \"two words\"\nget text-mode\nget text-mode-missing\n");

        Assert.True(shell.ExitCode == 0, shell.ToString());
        string[] lines = shell.Output.Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.Matches(@"^OK revision=[1-9][0-9]*$", lines[0]);
        Assert.Equal("two words", lines[1]);
        Assert.StartsWith("error: not_found:", lines[2]);
    }

    [Fact]
    public async Task Status_reports_three_replicas_that_agree_on_one_leader()
    {
        IReadOnlyList<ReplicaView>? replicas = null;
        // Right after start-up or a test's writes, a replica may still be catching up on the leader.
        await Eventually.UntilAsync(async () =>
            {
                replicas = await Cluster.TryStatusAsync();
                return replicas is { Count: 3 }
                    && replicas.Count(r => r.Role == "Leader") == 1
                    && replicas.All(r => r.Leader == replicas.Single(l => l.Role == "Leader").Replica);
            },
            TimeSpan.FromSeconds(30), "status shows exactly one leader known to all three replicas", Cluster.DescribeAsync);

        Assert.Equal([1, 2, 3], replicas!.Select(r => r.Replica));
        Assert.Equal(["silo1", "silo2", "silo3"], replicas!.Select(r => r.Silo));
        Assert.Equal(2, replicas!.Count(r => r.Role == "Follower"));

        CliResult table = await Cluster.RunClientAsync("status");
        Assert.True(table.ExitCode == 0, table.ToString());
        foreach (string column in (string[])["replica", "silo", "role", "term", "commit", "applied", "leader"])
        {
            Assert.Contains(column, table.StandardOutput);
        }
        Assert.Contains("Leader", table.StandardOutput);
    }

    [Fact]
    public async Task A_cas_with_the_wrong_number_of_values_exits_5()
    {
        CliResult cas = await Cluster.RunClientAsync("--json", "cas", "k", "only-one");

        Assert.Equal(5, cas.ExitCode);
        Assert.Equal("bad_input", cas.Json.GetProperty("error").GetString());
    }

    private static string[] PropertyNames(JsonElement element) => [.. element.EnumerateObject().Select(p => p.Name)];
}
