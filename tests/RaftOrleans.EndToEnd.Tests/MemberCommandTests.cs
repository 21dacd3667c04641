using System.Text.Json;
using RaftOrleans.EndToEnd.Tests.Infrastructure;
using Xunit;

namespace RaftOrleans.EndToEnd.Tests;

/// <summary>
/// <c>raftkv member</c> against five real silo processes (the default three replicas, and silo4 and silo5 as spares):
/// the group grows to five voters and shrinks back to three, and every write made on the way reads back.
/// </summary>
public sealed class MemberCommandTests : IAsyncLifetime
{
    private ProcessCluster? _cluster;

    private ProcessCluster Cluster => _cluster!;

    /// <inheritdoc />
    public async Task InitializeAsync() => _cluster = await ProcessCluster.StartAsync(count: 5);

    /// <inheritdoc />
    public Task DisposeAsync()
    {
        _cluster?.Dispose();
        return Task.CompletedTask;
    }

    private async Task<JsonElement[]> MembersAsync()
    {
        CliResult list = await Cluster.RunClientAsync("--json", "member", "list");
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.True(list.Json.GetProperty("ok").GetBoolean(), list.ToString());
        return [.. list.Json.GetProperty("members").EnumerateArray()];
    }

    private async Task RunOkAsync(params string[] arguments)
    {
        CliResult result = await Cluster.RunClientAsync(arguments);
        await Cluster.AssertAsync(result.ExitCode == 0, $"raftkv {string.Join(' ', arguments)}: {result}");
    }

    [Fact]
    public async Task A_three_replica_group_grows_to_five_voters_and_shrinks_back_with_raftkv_member()
    {
        JsonElement[] initial = await MembersAsync();
        Assert.Equal([1, 2, 3], initial.Select(m => m.GetProperty("replica").GetInt32()));
        Assert.All(initial, m => Assert.Equal("voter", m.GetProperty("role").GetString()));
        await RunOkAsync("set", "before", "1");

        CliResult add = await Cluster.RunClientAsync("member", "add", "silo4");
        Assert.True(add.ExitCode == 0, add.ToString());
        Assert.Matches(@"^OK index=[1-9][0-9]* voters \[1,2,3,4\] learners \[\]$", add.Output);
        CliResult addJson = await Cluster.RunClientAsync("--json", "member", "add", "silo5");
        Assert.True(addJson.ExitCode == 0, addJson.ToString());
        Assert.Equal("voters [1,2,3,4,5] learners []", addJson.Json.GetProperty("configuration").GetString());

        JsonElement[] grown = await MembersAsync();
        Assert.Equal([1, 2, 3, 4, 5], grown.Select(m => m.GetProperty("replica").GetInt32()));
        Assert.Equal(["silo1", "silo2", "silo3", "silo4", "silo5"], grown.Select(m => m.GetProperty("silo").GetString()));
        Assert.All(grown, m => Assert.Equal("voter", m.GetProperty("role").GetString()));
        await RunOkAsync("set", "grown", "5");

        await RunOkAsync("member", "remove", "5");
        await RunOkAsync("member", "remove", "4");
        JsonElement[] shrunk = await MembersAsync();
        Assert.Equal([1, 2, 3], shrunk.Select(m => m.GetProperty("replica").GetInt32()));
        await RunOkAsync("set", "after", "3");
        foreach ((string key, string value) in new[] { ("before", "1"), ("grown", "5"), ("after", "3") })
        {
            CliResult get = await Cluster.RunClientAsync("get", key);
            Assert.True(get.ExitCode == 0 && get.Output == value, $"get {key}: {get}");
        }
    }

    [Fact]
    public async Task Member_commands_refuse_what_makes_no_sense_with_exit_5()
    {
        CliResult unknownSilo = await Cluster.RunClientAsync("--json", "member", "add", "not-a-replica-silo");
        Assert.Equal(5, unknownSilo.ExitCode);
        Assert.Equal("bad_input", unknownSilo.Json.GetProperty("error").GetString());
        Assert.Contains("hosts no replica", unknownSilo.Json.GetProperty("message").GetString());

        CliResult notMember = await Cluster.RunClientAsync("member", "promote", "9");
        Assert.Equal(5, notMember.ExitCode);
        Assert.Contains("not a member", notMember.StandardError);

        CliResult notVoter = await Cluster.RunClientAsync("member", "move-leader", "4");
        Assert.Equal(5, notVoter.ExitCode);

        CliResult noId = await Cluster.RunClientAsync("member", "remove", "x");
        Assert.Equal(5, noId.ExitCode);
    }
}
