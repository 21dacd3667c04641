using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.TestingHost;
using RaftOrleans.Grains.AdoNet;
using RaftOrleans.Grains.Hosting;

namespace RaftOrleans.Grains.Tests.Cluster;

/// <summary>
/// A 3-silo in-process Orleans cluster running the Raft key-value store on per-silo SQLite files in
/// a temp directory. Any silo can be killed and restarted (membership lives in the test process),
/// and storage survives because it is on disk. Silo <c>n</c> of the test host is named
/// <c>silo{n+1}</c>, so replica <c>i</c> lives on test silo <c>i-1</c>.
/// </summary>
public sealed class RaftTestCluster : IAsyncDisposable
{
    public const int Replicas = 3;
    private readonly Dictionary<int, InProcessSiloHandle> _silos = [];

    private RaftTestCluster(string dataDirectory, string serviceId, InProcessTestCluster cluster, ReplicaNetwork network)
    {
        DataDirectory = dataDirectory;
        ServiceId = serviceId;
        Cluster = cluster;
        Network = network;
    }

    public string DataDirectory { get; }
    public string ServiceId { get; }
    public InProcessTestCluster Cluster { get; }
    /// <summary>The link control every silo of this cluster uses for replica-to-replica messages.</summary>
    public ReplicaNetwork Network { get; }

    /// <summary>What the silos logged (warnings, errors, and RaftOrleans information).</summary>
    public TestLogSink Logs { get; private init; } = new();
    public IClusterClient Client => Cluster.Client;
    public RaftKeyValueStore Store => Client.GetRaftKeyValueStore();

    /// <summary>Starts a cluster on <paramref name="dataDirectory"/> (a new temp directory when null).</summary>
    public static async Task<RaftTestCluster> StartAsync(string? dataDirectory = null, string? serviceId = null)
    {
        dataDirectory ??= Directory.CreateTempSubdirectory("raftkv-test-").FullName;
        serviceId ??= "raftkv-test-" + Guid.NewGuid().ToString("N")[..8];
        var network = new ReplicaNetwork();
        var logs = new TestLogSink();
        var builder = new InProcessTestClusterBuilder(Replicas);
        builder.Options.ServiceId = serviceId;
        builder.Options.ClusterId = "raftkv-test";
        var dir = dataDirectory;
        builder.ConfigureSilo((siloOptions, silo) =>
        {
            var name = $"silo{InstanceNumber(siloOptions.SiloName) + 1}";
            // PostConfigure: the test host sets its own silo names ("Silo_0", ...) after our Configure calls.
            silo.Services.PostConfigure<SiloOptions>(o => o.SiloName = name);
            silo.AddRaftSqliteGrainStorage("raft", Path.Combine(dir, name, "raft.db"));
            silo.UseInMemoryReminderService();
            silo.AddRaftKeyValue(o =>
            {
                o.RequestTimeout = TimeSpan.FromSeconds(15);
                o.AttemptTimeout = TimeSpan.FromSeconds(1);
            });
            silo.Services.AddSingleton(network);
            silo.Services.AddLogging(b => b.AddProvider(logs));
            silo.AddOutgoingGrainCallFilter<PartitionCallFilter>();
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        var result = new RaftTestCluster(dataDirectory, serviceId, cluster, network) { Logs = logs };
        foreach (var handle in cluster.Silos) result._silos[InstanceNumber(handle.Name)] = handle;
        return result;
    }

    private static int InstanceNumber(string testSiloName)
    {
        var digits = new string(testSiloName.Reverse().TakeWhile(char.IsDigit).Reverse().ToArray());
        return int.Parse(digits, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Kills (no graceful shutdown) the silo hosting <paramref name="replica"/>.</summary>
    public async Task KillReplicaSiloAsync(int replica)
    {
        var handle = _silos[replica - 1];
        await Cluster.KillSiloAsync(handle);
        _silos.Remove(replica - 1);
    }

    /// <summary>Stops gracefully the silo hosting <paramref name="replica"/>.</summary>
    public async Task StopReplicaSiloAsync(int replica)
    {
        var handle = _silos[replica - 1];
        await Cluster.StopSiloAsync(handle);
        _silos.Remove(replica - 1);
    }

    /// <summary>Starts again the silo hosting <paramref name="replica"/>, on its same storage file.</summary>
    public async Task RestartReplicaSiloAsync(int replica)
    {
        var handle = await Cluster.StartSiloAsync(replica - 1, Cluster.Options);
        _silos[replica - 1] = handle;
    }

    /// <summary>Every replica's status through the gateway.</summary>
    public async Task<GroupStatus> StatusAsync() => await Store.StatusAsync();

    /// <summary>Formats the status for failure messages.</summary>
    public async Task<string> DescribeAsync()
    {
        try
        {
            var status = await StatusAsync().WaitAsync(TimeSpan.FromSeconds(10));
            var sb = new StringBuilder();
            foreach (var r in status.Replicas)
            {
                sb.AppendLine($"  replica {r.Replica} on {r.Silo}: {r.Role} term={r.Term} commit={r.Commit} applied={r.Applied} last={r.LastIndex} leader={r.Leader} {r.Error}");
            }
            sb.AppendLine("Recent log:");
            foreach (var line in Logs.Recent(40)) sb.AppendLine("  " + line);
            if (Environment.GetEnvironmentVariable("RAFTKV_TEST_LOG_FILE") is { Length: > 0 } file)
            {
                File.WriteAllLines(file, Logs.Recent(2000));
            }
            return sb.ToString();
        }
        catch (Exception ex)
        {
            return "  (status unavailable: " + ex.GetBaseException().Message + ")";
        }
    }

    /// <summary>
    /// Waits until exactly one reachable replica, other than <paramref name="excluding"/>, is leader
    /// and every other reachable replica (again ignoring <paramref name="excluding"/>) follows it in
    /// its term; returns the leader.
    /// </summary>
    public async Task<ReplicaStatus> WaitForLeaderAsync(TimeSpan? timeout = null, int? excluding = null)
    {
        ReplicaStatus? leader = null;
        await WaitUntilAsync(async () =>
        {
            var status = await StatusAsync();
            var considered = status.Replicas.Where(r => r.Replica != excluding && r.Error is null).ToList();
            var leaders = considered.Where(r => r.Role == "Leader").ToList();
            if (leaders.Count != 1) return false;
            if (considered.Any(r => r.Term != leaders[0].Term || r.Leader != leaders[0].Replica)) return false;
            leader = leaders[0];
            return true;
        }, timeout ?? TimeSpan.FromSeconds(60), excluding is null ? "one leader that every live replica follows" : $"one leader other than replica {excluding}");
        return leader!;
    }

    /// <summary>Polls <paramref name="condition"/> until true or the deadline; on timeout fails with the cluster state.</summary>
    public async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string expected)
    {
        var sw = Stopwatch.StartNew();
        Exception? last = null;
        while (sw.Elapsed < timeout)
        {
            try
            {
                if (await condition()) return;
            }
            catch (Exception ex)
            {
                last = ex;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0} s waiting for: {expected}. Last error: {last?.GetBaseException().Message ?? "none"}.\nCluster:\n{await DescribeAsync()}");
    }

    /// <summary>Stops every silo, keeping the data directory.</summary>
    public async Task ShutdownAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            await Cluster.DisposeAsync();
        }
        catch (Exception)
        {
            // Disposing a cluster whose silos were killed may throw; the test outcome is already known.
        }
    }
}
