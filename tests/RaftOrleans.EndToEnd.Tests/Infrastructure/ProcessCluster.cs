using System.Text;

namespace RaftOrleans.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Three real silo processes on free loopback ports with a fresh temporary data directory. Dispose
/// kills every process (even after a failed test) and deletes the directory.
/// </summary>
public sealed class ProcessCluster : IDisposable
{
    /// <summary>How long three silos starting at once on 2 cores may take to serve.</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    private readonly IReadOnlyList<string> _clientConnection;

    private ProcessCluster(string dataDirectory, IReadOnlyList<SiloProcess> silos, IReadOnlyList<string>? clientConnection)
    {
        _clientConnection = clientConnection ?? ["--data", dataDirectory];
        DataDirectory = dataDirectory;
        Silos = silos;
    }

    /// <summary>The shared data directory.</summary>
    public string DataDirectory { get; }

    /// <summary>The silos, index 0 = silo1.</summary>
    public IReadOnlyList<SiloProcess> Silos { get; }

    /// <summary>
    /// Starts <paramref name="count"/> silos and waits until the cluster serves a read.
    /// <paramref name="siloArguments"/> go to every silo's <c>run</c>; <paramref name="clientConnection"/>
    /// replaces the client's <c>--data DIR</c> (e.g. <c>--postgres CONNSTRING</c>). <paramref name="dataDirectory"/>
    /// is a prepared data directory to run on (e.g. one seeded by <c>raftkv-silo restore</c>); the
    /// cluster owns it from then on and deletes it on dispose. <paramref name="argumentsOfSilo"/> gives silo i
    /// (1-based) arguments of its own, after <paramref name="siloArguments"/> (e.g. a port per silo).
    /// </summary>
    public static async Task<ProcessCluster> StartAsync(
        int count = 3, IReadOnlyList<string>? siloArguments = null, IReadOnlyList<string>? clientConnection = null, string? dataDirectory = null,
        Func<int, IReadOnlyList<string>>? argumentsOfSilo = null)
    {
        string data = dataDirectory ?? NewDataDirectoryPath();
        Directory.CreateDirectory(data);
        int[] ports = FreePorts.Take(2 * count);
        var silos = Enumerable.Range(1, count)
            .Select(i => new SiloProcess(i, ports[i - 1], ports[count + i - 1], data, [.. siloArguments ?? [], .. argumentsOfSilo?.Invoke(i) ?? []]))
            .ToList();
        var cluster = new ProcessCluster(data, silos, clientConnection);
        try
        {
            foreach (SiloProcess silo in silos)
            {
                silo.Start();
            }
            await cluster.WaitUntilServingAsync(StartTimeout);
            return cluster;
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
    }

    /// <summary>A path for a new data directory under the temporary folder (not created).</summary>
    public static string NewDataDirectoryPath() => Path.Combine(Path.GetTempPath(), $"raftkv-e2e-{Guid.NewGuid():N}");

    /// <summary>
    /// A connect deadline for test clients: generous, because CI shares 2 cores with other test runs
    /// and a client start has been seen to take over 10 s there.
    /// </summary>
    public const string ConnectTimeoutSeconds = "30";

    /// <summary>The client's connection arguments followed by <paramref name="arguments"/>.</summary>
    public string[] ClientArguments(params string[] arguments)
        => [.. _clientConnection, "--connect-timeout", ConnectTimeoutSeconds, .. arguments];

    /// <summary>Runs the real client once against this cluster.</summary>
    public Task<CliResult> RunClientAsync(params string[] arguments) => ClientCli.RunAsync(ClientArguments(arguments));

    /// <summary>Waits until a linearizable read is answered (Ok or NotFound).</summary>
    public Task<TimeSpan> WaitUntilServingAsync(TimeSpan timeout) => Eventually.UntilAsync(
        // --timeout bounds the whole command, connecting included: a probe on a loaded machine gets the connect deadline.
        async () => (await RunClientAsync("--timeout", ConnectTimeoutSeconds, "get", "__e2e_probe__")).ExitCode is 0 or 2,
        timeout, "the cluster serves a read", DescribeAsync);

    /// <summary>The replicas as <c>raftkv status --json</c> reports them, or null when status fails.</summary>
    public async Task<IReadOnlyList<ReplicaView>?> TryStatusAsync()
    {
        CliResult result = await RunClientAsync("--json", "status");
        return result.ExitCode == 0 ? ReplicaView.ParseAll(result.Json) : null;
    }

    /// <summary>
    /// Waits until status shows one leader and every replica healthy, then returns the silo of a
    /// follower: the one to pause or kill when the group must keep a majority.
    /// </summary>
    public async Task<SiloProcess> HealthyFollowerAsync()
    {
        ReplicaView? follower = null;
        await Eventually.UntilAsync(async () =>
            {
                IReadOnlyList<ReplicaView> status = await TryStatusAsync() ?? [];
                bool oneLeader = status.Count(r => r.Role == "Leader") == 1;
                follower = status.FirstOrDefault(r => r.Role == "Follower" && r.Error is null);
                return oneLeader && follower is not null && status.All(r => r.Error is null);
            },
            TimeSpan.FromSeconds(60), "status shows one leader and healthy followers", DescribeAsync);
        return Silos.Single(s => s.Name == follower!.Silo);
    }

    /// <summary>
    /// Fails with <paramref name="message"/> and <see cref="DescribeAsync"/> when <paramref name="condition"/> is false.
    /// The description is made only on failure: it runs <c>raftkv status</c>, seconds a call, which an eagerly
    /// formatted assertion message would pay on every passing check too.
    /// </summary>
    public async Task AssertAsync(bool condition, string message)
    {
        if (!condition) Xunit.Assert.Fail($"{message}\n{await DescribeAsync()}");
    }

    /// <summary>Every silo's process state and recent output plus the replica table, for failure messages.</summary>
    public async Task<string> DescribeAsync()
    {
        var text = new StringBuilder();
        CliResult status = await RunClientAsync("status");
        text.AppendLine($"raftkv status: {status}");
        foreach (SiloProcess silo in Silos)
        {
            text.AppendLine($"--- {silo.Name} ({(silo.IsRunning ? $"running, pid {silo.ProcessId}" : "not running")}), last output:");
            text.AppendLine(string.Join('\n', silo.RecentOutput().Split('\n').TakeLast(15)));
        }
        return text.ToString();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (SiloProcess silo in Silos)
        {
            silo.Dispose();
        }
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A temp directory left behind is harmless.
        }
    }
}
