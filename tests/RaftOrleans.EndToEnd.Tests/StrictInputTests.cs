using System.Text;
using RaftOrleans.EndToEnd.Tests.Infrastructure;
using Xunit;

namespace RaftOrleans.EndToEnd.Tests;

/// <summary>
/// Issue #12, strict input: an unknown option is bad input, not a key (unless it follows <c>--</c>),
/// and bytes that are not UTF-8 are rejected, naming the line or argument, instead of being stored
/// as U+FFFD. Each rejection is checked against the cluster: nothing was written.
/// </summary>
public sealed class StrictInputTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private ProcessCluster Cluster => fixture.Cluster;

    [Fact]
    public async Task An_unknown_option_is_bad_input_and_writes_nothing()
    {
        CliResult set = await Cluster.RunClientAsync("set", "--lease", "foo");

        Assert.Equal(5, set.ExitCode);
        Assert.Equal("", set.StandardOutput);
        Assert.StartsWith("error: bad_input: unknown option '--lease' (to use it as a key or value, put -- before it", set.StandardError.Trim());
        CliResult get = await Cluster.RunClientAsync("get", "--", "--lease");
        Assert.True(get.ExitCode == 2, $"the key --lease must not exist: {get}");
    }

    [Fact]
    public async Task After_a_double_dash_an_option_like_token_is_a_key()
    {
        CliResult set = await Cluster.RunClientAsync("set", "--", "--lease-key", "-v");
        Assert.True(set.ExitCode == 0, set.ToString());

        CliResult get = await Cluster.RunClientAsync("get", "--", "--lease-key");
        Assert.True(get.ExitCode == 0, get.ToString());
        Assert.Equal("-v", get.Output);
    }

    [Fact]
    public async Task In_the_shell_an_unknown_option_is_bad_input_and_the_session_goes_on()
    {
        CliResult shell = await ClientCli.RunAsync(Cluster.ClientArguments("--json"),
            "set --shell-lease foo\nset -- --shell-lease foo\nget -- --shell-lease\n");

        Assert.True(shell.ExitCode == 0, shell.ToString());
        string[] lines = shell.Output.Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.Equal("""{"ok":false,"error":"bad_input","message":"unknown option '--shell-lease' (to use it as a key or value, put -- before it, e.g. `set -- --shell-lease VALUE`)"}""", lines[0]);
        Assert.Matches("""^\{"ok":true,"revision":[1-9][0-9]*\}$""", lines[1]);
        Assert.Matches("""^\{"ok":true,"value":"foo","revision":[1-9][0-9]*\}$""", lines[2]);
    }

    [Fact]
    public async Task Stdin_bytes_that_are_not_utf8_are_rejected_naming_the_line_and_never_stored()
    {
        // Line 2 is `set utf8-key ` (13 bytes) followed by 0xFF 0xFE, which no UTF-8 sequence starts with.
        byte[] input = [.. "set utf8-key good\n"u8, .. "set utf8-key "u8, 0xff, 0xfe, (byte)'\n', .. "get utf8-key\n"u8];

        CliResult shell = await RawClientCli.RunWithStdinAsync(Cluster.ClientArguments("--json"), input);

        Assert.True(shell.ExitCode == 0, shell.ToString());
        string[] lines = shell.Output.Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.Matches("""^\{"ok":true,"revision":[1-9][0-9]*\}$""", lines[0]);
        Assert.Equal("""{"ok":false,"error":"bad_input","message":"line 2 is not valid UTF-8 (byte 0xFF at byte offset 13); nothing was sent"}""", lines[1]);
        Assert.Matches("""^\{"ok":true,"value":"good","revision":[1-9][0-9]*\}$""", lines[2]);
    }

    [Fact]
    public async Task An_argument_whose_bytes_are_not_utf8_is_rejected_and_never_stored()
    {
        CliResult set = await RawClientCli.RunWithRawArgumentAsync(Cluster.ClientArguments("set", "raw-arg-key"), [0x61, 0xff, 0xfe]);

        Assert.Equal(5, set.ExitCode);
        int position = Cluster.ClientArguments("set", "raw-arg-key").Length + 1;
        Assert.Equal($"error: bad_input: argument {position} ('a\uFFFD\uFFFD') is not valid UTF-8 (byte 0xFF at byte offset 1); nothing was sent",
            set.StandardError.Split('\n')[0]);
        CliResult get = await Cluster.RunClientAsync("get", "raw-arg-key");
        Assert.True(get.ExitCode == 2, $"raw-arg-key must not exist: {get}");
    }

    [Fact]
    public async Task Valid_multibyte_utf8_on_stdin_is_stored_exactly()
    {
        byte[] input = Encoding.UTF8.GetBytes("set utf8-multibyte grüße-日本-🙂\nget utf8-multibyte\n");

        CliResult shell = await RawClientCli.RunWithStdinAsync(Cluster.ClientArguments(), input);

        Assert.True(shell.ExitCode == 0, shell.ToString());
        string[] lines = shell.Output.Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.Matches("^OK revision=[1-9][0-9]*$", lines[0]);
        Assert.Equal("grüße-日本-🙂", lines[1]);
    }
}
