using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Storage;
using Orleans.TestingHost;
using RaftOrleans.Grains;
using RaftOrleans.Grains.AdoNet;
using RaftOrleans.Grains.Hosting;
using RaftOrleans.Grains.Replica;
using RaftOrleans.Grains.Topology;

namespace RaftOrleans.Testing.Cluster;

/// <summary>
/// An in-process Orleans cluster of 3 or 5 silos (any count works) running the Raft key-value store
/// on per-silo SQLite files in a temp directory. Any silo can be killed, stopped and restarted
/// (membership lives in the test process) and storage survives because it is on disk. Silo
/// <c>n</c> of the test host is named <c>Topology.Silos[n]</c> (<c>silo{n+1}</c>), the silo of replica
/// <c>n+1</c>, so replica <c>i</c> lives on test silo <c>i-1</c>. Every silo shares the fault controls: <see cref="Network"/> (partitions, one-way
/// cuts, loss, delay), <see cref="Storage"/> (latency, failed writes, crash after a write),
/// <see cref="Hook"/> (pauses) and the <see cref="Ledger"/> of applied entries.
/// </summary>
public sealed class RaftTestCluster : IAsyncDisposable
{
    /// <summary>The SQLite storage provider of each silo.</summary>
    public const string SqliteStorageProvider = "raft";

    /// <summary>The storage provider the replicas use: <see cref="FaultInjectingGrainStorage"/> over the SQLite one.</summary>
    public const string ReplicaStorageProvider = "raft-faults";

    /// <summary>The group every test uses.</summary>
    public const string Group = RaftKeyValueClientExtensions.DefaultGroup;

    private readonly Dictionary<int, InProcessSiloHandle> _silos = [];
    private readonly SemaphoreSlim _lifecycle = new(1, 1);
    private readonly List<Task> _disposals = [];
    private bool _disposed;

    private RaftTestCluster(RaftTestClusterOptions options, IReplicaTopology topology, string dataDirectory, string serviceId, InProcessTestCluster cluster, Controls controls)
    {
        Options = options;
        Topology = topology;
        DataDirectory = dataDirectory;
        ServiceId = serviceId;
        Cluster = cluster;
        Network = controls.Network;
        Storage = controls.Storage;
        Hook = controls.Hook;
        Logs = controls.Logs;
    }

    /// <summary>The options the cluster was built with.</summary>
    public RaftTestClusterOptions Options { get; }

    /// <summary>Number of silos, one replica each.</summary>
    public int ReplicaCount => Options.Replicas;

    /// <summary>The replica topology the silos run with (built from the same options).</summary>
    public IReplicaTopology Topology { get; }

    /// <summary>The replica ids of the test group, ascending.</summary>
    public IReadOnlyList<int> ReplicaIds => [.. Topology.Members(Group).Select(m => m.ReplicaId)];

    /// <summary>Every silo's replica id: the initial members', then the spare silos' (<see cref="RaftTestClusterOptions.SpareSilos"/>).</summary>
    public IReadOnlyList<int> SiloReplicaIds => [.. Enumerable.Range(1, Options.Replicas + Options.SpareSilos)];

    /// <summary>The directory holding <c>silo{i}/raft.db</c>.</summary>
    public string DataDirectory { get; }

    /// <summary>The Orleans service id.</summary>
    public string ServiceId { get; }

    /// <summary>The Orleans test host.</summary>
    public InProcessTestCluster Cluster { get; }

    /// <summary>The link control every silo of this cluster uses for replica-to-replica messages.</summary>
    public ReplicaNetwork Network { get; }

    /// <summary>Storage faults, per silo.</summary>
    public StorageFaults Storage { get; }

    /// <summary>The replica hook: pauses, and the applied-entry ledger.</summary>
    public ReplicaFaultHook Hook { get; }

    /// <summary>Every entry any replica applied, checked for conflicts as it happens.</summary>
    public AppliedEntryLedger Ledger => Hook.Ledger;

    /// <summary>What the silos logged (warnings, errors, and RaftOrleans information).</summary>
    public TestLogSink Logs { get; }

    /// <summary>The cluster client (a new one after <see cref="InProcessTestCluster.InitializeClientAsync"/>).</summary>
    public IClusterClient Client => Cluster.Client;

    /// <summary>The default group's store through the real gateway.</summary>
    public RaftKeyValueStore Store => Client.GetRaftKeyValueStore();

    /// <summary>The silo name hosting <paramref name="replica"/> of the test group.</summary>
    public string SiloName(int replica) => Topology.SiloOf(new ReplicaKey(Group, replica));

    /// <summary>Starts a 3-silo cluster on <paramref name="dataDirectory"/> (a new temp directory when null).</summary>
    public static Task<RaftTestCluster> StartAsync(string? dataDirectory = null, string? serviceId = null)
        => StartAsync(new RaftTestClusterOptions { DataDirectory = dataDirectory, ServiceId = serviceId });

    /// <summary>Starts a cluster as <paramref name="options"/> say and waits for its silos to be up.</summary>
    public static async Task<RaftTestCluster> StartAsync(RaftTestClusterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var dataDirectory = options.DataDirectory ?? Directory.CreateTempSubdirectory("raftkv-test-").FullName;
        var serviceId = options.ServiceId ?? "raftkv-test-" + Guid.NewGuid().ToString("N")[..8];
        var controls = new Controls(options.Seed);
        var topology = TopologyOf(options);
        var builder = new InProcessTestClusterBuilder(checked((short)(options.Replicas + options.SpareSilos)));
        builder.Options.ServiceId = serviceId;
        builder.Options.ClusterId = "raftkv-test";
        // Trace files per silo cost disk I/O the replicas' storage competes with; the sink keeps what matters.
        builder.Options.ConfigureFileLogging = false;
        // Silo n of the test host hosts replica n + 1: the initial voters first, then the spares.
        builder.ConfigureSilo((siloOptions, silo) =>
            ConfigureSilo(silo, topology.SiloOf(new ReplicaKey(Group, InstanceNumber(siloOptions.SiloName) + 1)), options, dataDirectory, controls));
        builder.ConfigureClient(client =>
        {
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = options.ClientResponseTimeout);
            // A killed in-process silo's connections stay open until it is disposed, so the client
            // learns of its death from membership: refresh the gateway list often (default 1 min).
            client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(1));
            if (options.ActivityPropagation) client.AddActivityPropagation();
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        var result = new RaftTestCluster(options with { DataDirectory = dataDirectory, ServiceId = serviceId }, topology, dataDirectory, serviceId, cluster, controls);
        foreach (var handle in cluster.Silos) result._silos[InstanceNumber(handle.Name) + 1] = handle;
        controls.Storage.SiloKiller = result.KillSiloByNameAsync;
        return result;
    }

    /// <summary>The topology the silos' options give: the same <see cref="RaftKeyValueOptions"/> as <see cref="ConfigureSilo"/> sets.</summary>
    private static IReplicaTopology TopologyOf(RaftTestClusterOptions options)
    {
        var raft = new RaftKeyValueOptions { ReplicaCount = options.Replicas };
        options.ConfigureRaft?.Invoke(raft);
        return new ConfiguredReplicaTopology(raft);
    }

    private static void ConfigureSilo(ISiloBuilder silo, string name, RaftTestClusterOptions options, string dataDirectory, Controls controls)
    {
        // PostConfigure: the test host sets its own silo names ("Silo_0", ...) after our Configure calls.
        silo.Services.PostConfigure<SiloOptions>(o => o.SiloName = name);
        silo.AddRaftSqliteGrainStorage(SqliteStorageProvider, Path.Combine(dataDirectory, name, "raft.db"));
        silo.Services.AddKeyedSingleton<IGrainStorage>(ReplicaStorageProvider, (services, _) =>
            new FaultInjectingGrainStorage(services.GetRequiredKeyedService<IGrainStorage>(SqliteStorageProvider), controls.Storage, name));
        SqliteWriteGate.ShareWith(silo.Services, SqliteStorageProvider, ReplicaStorageProvider);
        silo.UseInMemoryReminderService();
        if (options.ActivityPropagation) silo.AddActivityPropagation();
        silo.AddRaftKeyValue(o =>
        {
            o.ReplicaCount = options.Replicas;
            o.StorageProviderName = ReplicaStorageProvider;
            o.RequestTimeout = options.RequestTimeout;
            o.AttemptTimeout = options.AttemptTimeout;
            options.ConfigureRaft?.Invoke(o);
        });
        if (options.FastFailureDetection)
        {
            // MembershipDefaults.ApplyFastDetection (measured on 2 cores: no false deaths under load).
            silo.Configure<ClusterMembershipOptions>(MembershipDefaults.ApplyFastDetection);
        }
        silo.Services.AddSingleton(controls.Network);
        silo.Services.AddSingleton<IReplicaFaultHook>(controls.Hook);
        silo.Services.AddLogging(b => b.AddProvider(controls.Logs));
        silo.AddOutgoingGrainCallFilter<ReplicaNetworkCallFilter>();
    }

    private static int InstanceNumber(string testSiloName)
    {
        var digits = new string(testSiloName.Reverse().TakeWhile(char.IsDigit).Reverse().ToArray());
        return int.Parse(digits, CultureInfo.InvariantCulture);
    }

    /// <summary>True while the silo hosting <paramref name="replica"/> runs (as far as this fixture stopped or started it).</summary>
    public bool IsUp(int replica)
    {
        lock (_silos) return _silos.ContainsKey(replica);
    }

    /// <summary>Replicas whose silo is down, ascending.</summary>
    public IReadOnlyList<int> DownReplicas
    {
        get { lock (_silos) return SiloReplicaIds.Where(r => !_silos.ContainsKey(r)).ToArray(); }
    }

    /// <summary>The services of the running silo hosting <paramref name="replica"/>.</summary>
    public IServiceProvider SiloServices(int replica)
    {
        lock (_silos) return _silos.TryGetValue(replica, out var handle) ? handle.ServiceProvider : throw new InvalidOperationException($"silo of replica {replica} is down");
    }

    /// <summary>Kills (no graceful shutdown) the silo hosting <paramref name="replica"/>; false if it was already down.</summary>
    public Task<bool> KillReplicaSiloAsync(int replica) => StopAsync(replica, graceful: false);

    /// <summary>Stops gracefully the silo hosting <paramref name="replica"/>; false if it was already down.</summary>
    public Task<bool> StopReplicaSiloAsync(int replica) => StopAsync(replica, graceful: true);

    /// <summary>Starts again the silo hosting <paramref name="replica"/>, on its same storage file; false if it was up.</summary>
    public async Task<bool> RestartReplicaSiloAsync(int replica)
    {
        await _lifecycle.WaitAsync();
        try
        {
            if (_disposed || IsUp(replica)) return false;
            var handle = await Cluster.StartSiloAsync(replica - 1, Cluster.Options);
            lock (_silos) _silos[replica] = handle;
            return true;
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>
    /// A replaced disk: stops the silo hosting <paramref name="replica"/>, deletes its storage directory, and starts it
    /// again under its old name on empty storage. The silo is stopped gracefully and the process-wide SQLite connection
    /// pool cleared first: a pooled connection would otherwise keep serving the deleted file to the new silo.
    /// </summary>
    public async Task WipeReplicaStorageAsync(int replica)
    {
        await StopReplicaSiloAsync(replica);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(Path.Combine(DataDirectory, SiloName(replica)), recursive: true);
        await RestartReplicaSiloAsync(replica);
    }

    /// <summary>Restarts every silo that is down.</summary>
    public async Task RestartAllDownAsync()
    {
        foreach (var replica in DownReplicas) await RestartReplicaSiloAsync(replica);
    }

    private async Task<bool> StopAsync(int replica, bool graceful)
    {
        await _lifecycle.WaitAsync();
        try
        {
            InProcessSiloHandle? handle;
            lock (_silos)
            {
                if (!_silos.Remove(replica, out handle)) return false;
            }
            // Test-host silos started after deployment are not in its list; Stop works on any handle.
            if (graceful)
            {
                await Cluster.StopSiloAsync(handle);
                return true;
            }
            // The test host's kill also disposes the silo, and that waits for requests still running in
            // its activations (a gateway retry loop runs to its deadline: measured 8 s), while a real
            // crash waits for nothing. So: stop hard now, dispose in the background. A restart may
            // overlap the zombie's last moments; storage ETags fence any write it still makes.
            await handle.StopSiloAsync(stopGracefully: false);
            lock (_disposals) _disposals.Add(Task.Run(async () => await handle.DisposeAsync()));
            return true;
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    private async Task KillSiloByNameAsync(string siloName)
    {
        var replica = Topology.ReplicaIdOf(siloName) ?? throw new ArgumentException($"no silo named {siloName}", nameof(siloName));
        await KillReplicaSiloAsync(replica);
    }

    /// <summary>The replica grain <paramref name="replica"/> of the test group.</summary>
    public IRaftReplicaGrain Replica(int replica) => Client.GetGrain<IRaftReplicaGrain>(new ReplicaKey(Group, replica).ToString());

    /// <summary>Every replica's status through the gateway.</summary>
    public async Task<GroupStatus> StatusAsync() => await Store.StatusAsync();

    /// <summary>
    /// Every replica's status asked directly (not through the gateway), each within
    /// <paramref name="timeout"/>; an unreachable replica has <see cref="ReplicaStatus.Error"/> set.
    /// </summary>
    public Task<IReadOnlyList<ReplicaStatus>> ReplicaStatusesAsync(TimeSpan timeout) => ReplicaStatusesAsync(ReplicaIds, timeout);

    /// <summary>
    /// The status of each of <paramref name="replicas"/> asked directly, each within <paramref name="timeout"/>: for
    /// tests whose group changes membership (a spare added, a member removed), which <see cref="ReplicaIds"/> does not follow.
    /// </summary>
    public async Task<IReadOnlyList<ReplicaStatus>> ReplicaStatusesAsync(IEnumerable<int> replicas, TimeSpan timeout)
    {
        var tasks = replicas.Select(async replica =>
        {
            if (!IsUp(replica)) return new ReplicaStatus { Replica = replica, Silo = SiloName(replica), Role = "Down", Error = "silo down" };
            try
            {
                return await Replica(replica).GetStatus().WaitAsync(timeout);
            }
            catch (Exception ex)
            {
                return new ReplicaStatus { Replica = replica, Silo = SiloName(replica), Role = "Unreachable", Error = ex.GetBaseException().Message };
            }
        });
        return await Task.WhenAll(tasks);
    }

    /// <summary>Reads <paramref name="replica"/>'s durable log from its silo's SQLite storage (the silo must be up).</summary>
    public async Task<DurableLog> ReadDurableLogAsync(int replica)
    {
        var storage = SiloServices(replica).GetRequiredKeyedService<IGrainStorage>(SqliteStorageProvider);
        return await DurableLog.ReadAsync(storage, Replica(replica).GetGrainId(), replica);
    }

    /// <summary>Formats every replica's status and the recent log for failure messages.</summary>
    public async Task<string> DescribeAsync()
    {
        try
        {
            var statuses = await ReplicaStatusesAsync(TimeSpan.FromSeconds(2)).WaitAsync(TimeSpan.FromSeconds(10));
            var sb = new StringBuilder();
            foreach (var r in statuses)
            {
                var paused = Hook.IsPaused(r.Replica) ? " PAUSED" : "";
                sb.AppendLine($"  replica {r.Replica} on {r.Silo}: {r.Role}{paused} term={r.Term} commit={r.Commit} applied={r.Applied} last={r.LastIndex} leader={r.Leader} {r.Error}");
            }
            sb.AppendLine($"  network faults: {Network.ActiveFaults} (dropped {Network.Dropped}, delayed {Network.Delayed}); ledger: {Ledger.Applications} applications up to index {Ledger.HighestIndex}, {Ledger.Conflicts.Count} conflicts");
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
    /// with the group's configuration committed (so it accepts writes: a new group commits its first
    /// configuration only once every replica has acknowledged it) and every other reachable replica
    /// (again ignoring <paramref name="excluding"/>) follows it in its term; returns the leader.
    /// </summary>
    public async Task<ReplicaStatus> WaitForLeaderAsync(TimeSpan? timeout = null, int? excluding = null)
    {
        ReplicaStatus? leader = null;
        await WaitUntilAsync(async () =>
        {
            var status = await StatusAsync();
            var considered = status.Replicas.Where(r => r.Replica != excluding && r.Error is null).ToList();
            var leaders = considered.Where(r => r.Role == "Leader").ToList();
            if (leaders.Count != 1 || !leaders[0].Configured) return false;
            if (considered.Any(r => r.Term != leaders[0].Term || r.Leader != leaders[0].Replica)) return false;
            leader = leaders[0];
            return true;
        }, timeout ?? TimeSpan.FromSeconds(60), excluding is null ? "one configured leader that every live replica follows" : $"one configured leader other than replica {excluding}");
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

    /// <summary>Stops every silo gracefully, keeping the data directory.</summary>
    public async Task ShutdownAsync()
    {
        Hook.ResumeAll(); // a held replica would hold its silo's graceful stop
        await Cluster.StopClusterClientAsync();
        foreach (var replica in SiloReplicaIds) await StopReplicaSiloAsync(replica);
        await DisposeAsync();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        Hook.ResumeAll();
        Network.Heal();
        Storage.ClearAll();
        await _lifecycle.WaitAsync();
        InProcessSiloHandle[] running;
        lock (_silos)
        {
            _disposed = true;
            running = _silos.Values.ToArray();
            _silos.Clear();
        }
        _lifecycle.Release();
        try
        {
            // Restarted silos are not in the test host's list, so it would not stop them: kill every
            // silo this fixture runs, then let the host dispose its client.
            await Task.WhenAll(running.Select(handle => Cluster.KillSiloAsync(handle)));
            Task[] disposals;
            lock (_disposals) disposals = _disposals.ToArray();
            await Task.WhenAll(disposals);
            await Cluster.DisposeAsync();
        }
        catch (Exception)
        {
            // Disposing a cluster whose silos were killed may throw; the test outcome is already known.
        }
    }

    /// <summary>The fault controls every silo of one cluster shares.</summary>
    private sealed class Controls(int seed)
    {
        public ReplicaNetwork Network { get; } = new(seed);
        public StorageFaults Storage { get; } = new(seed + 1);
        public ReplicaFaultHook Hook { get; } = new(new AppliedEntryLedger());
        public TestLogSink Logs { get; } = new();
    }
}
