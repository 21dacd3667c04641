using System.Net;
using System.Net.Sockets;
using RaftOrleans.EndToEnd.Tests.Infrastructure;
using Xunit;

namespace RaftOrleans.EndToEnd.Tests;

/// <summary>The client without a cluster, and the silo's start-up errors: clear messages and exit codes, no hangs.</summary>
public sealed class NoClusterTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"raftkv-e2e-{Guid.NewGuid():N}");

    public NoClusterTests() => Directory.CreateDirectory(_directory);

    [Fact]
    public async Task A_data_directory_without_a_cluster_is_unavailable_with_exit_4()
    {
        CliResult get = await ClientCli.RunAsync(["--data", _directory, "get", "k"]);

        Assert.Equal(4, get.ExitCode);
        Assert.StartsWith("error: unavailable: no silo reachable", get.StandardError.Trim());
        Assert.False(File.Exists(Path.Combine(_directory, "cluster.db")), "the client must not create a cluster file");
    }

    [Fact]
    public async Task A_gateway_nobody_listens_on_is_unavailable_after_the_connect_deadline()
    {
        int port = FreePorts.Take(1)[0];

        CliResult get = await ClientCli.RunAsync(["--gateway", $"127.0.0.1:{port}", "--connect-timeout", "2", "--json", "get", "k"]);

        Assert.Equal(4, get.ExitCode);
        Assert.Equal("unavailable", get.Json.GetProperty("error").GetString());
        Assert.StartsWith("no silo reachable within 2s", get.Json.GetProperty("message").GetString());
        Assert.True(get.Elapsed < TimeSpan.FromSeconds(20), $"took {get.Elapsed}");
    }

    [Fact]
    public async Task An_unknown_command_is_bad_input_with_exit_5()
    {
        CliResult result = await ClientCli.RunAsync(["--data", _directory, "frobnicate"]);

        Assert.Equal(5, result.ExitCode);
        Assert.StartsWith("error: bad_input:", result.StandardError.Trim());
    }

    [Fact]
    public async Task The_silo_rejects_an_out_of_range_port_with_exit_2()
    {
        CliResult run = await RunSiloAsync("run", "--name", "silo1", "--silo-port", "70000", "--gateway-port", "30001", "--data", _directory);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("silo port 70000 is out of range", run.StandardError);
    }

    [Theory]
    [InlineData("70000", "health port 70000 is out of range")]
    [InlineData("30001", "health port 30001 is also the silo or gateway port")]
    public async Task The_silo_rejects_a_bad_health_port_with_exit_2(string healthPort, string expected)
    {
        CliResult run = await RunSiloAsync("run", "--name", "silo1", "--silo-port", "11111", "--gateway-port", "30001", "--health-port", healthPort, "--data", _directory);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(expected, run.StandardError);
    }

    [Theory]
    [InlineData("--Telemetry:Prometheus=true", "Telemetry:Prometheus serves /metrics on the health port: give --health-port too")]
    [InlineData("--Telemetry:OtlpEndpoint=collector:4317", "Telemetry:OtlpEndpoint 'collector:4317' is not an http(s) URL")]
    public async Task The_silo_rejects_telemetry_it_cannot_serve_with_exit_2(string setting, string expected)
    {
        CliResult run = await RunSiloAsync("run", "--name", "silo1", "--silo-port", "11111", "--gateway-port", "30001", "--data", _directory, setting);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(expected, run.StandardError);
    }

    [Fact]
    public async Task The_silo_rejects_a_data_directory_it_cannot_create_with_exit_3()
    {
        string file = Path.Combine(_directory, "a-file");
        await File.WriteAllTextAsync(file, "not a directory");
        int[] ports = FreePorts.Take(2);

        CliResult run = await RunSiloAsync("run", "--name", "silo1", "--silo-port", $"{ports[0]}", "--gateway-port", $"{ports[1]}", "--data", Path.Combine(file, "data"));

        Assert.Equal(3, run.ExitCode);
        Assert.Contains("is not writable", run.StandardError);
    }

    [Fact]
    public async Task The_silo_rejects_a_port_in_use_with_exit_4()
    {
        using var occupant = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        occupant.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        occupant.Listen();
        int busy = ((IPEndPoint)occupant.LocalEndPoint!).Port;
        int free = FreePorts.Take(1)[0];

        CliResult run = await RunSiloAsync("run", "--name", "silo1", "--silo-port", $"{busy}", "--gateway-port", $"{free}", "--data", _directory);

        Assert.Equal(4, run.ExitCode);
        Assert.Contains($"silo port {busy}", run.StandardError);
    }

    private static async Task<CliResult> RunSiloAsync(params string[] arguments)
    {
        var start = new System.Diagnostics.ProcessStartInfo(Executables.Silo)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var process = System.Diagnostics.Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("raftkv-silo did not exit on a start-up error within 60s");
        }
        return new CliResult(process.ExitCode, await stdout, await stderr, clock.Elapsed);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
