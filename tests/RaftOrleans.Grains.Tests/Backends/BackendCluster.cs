using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Orleans.Configuration;
using Orleans.Runtime;
using RaftOrleans.Grains.AdoNet;
using RaftOrleans.Grains.Hosting;
using RaftOrleans.Grains.Topology;
using RaftOrleans.Grains.Tests.AdoNet;

namespace RaftOrleans.Grains.Tests.Backends;

/// <summary>
/// Three in-process silos (silo1..silo3, one Raft replica each) and a client, with clustering, reminders
/// and Raft storage on one <see cref="StorageBackend"/>. Silos can be killed and started again on the same
/// ports and data, so restarts find what was acknowledged.
/// </summary>
internal sealed class BackendCluster : IAsyncDisposable
{
    public const int Silos = 3;

    // The silos are named as the default topology (three replicas) places its replicas.
    private static readonly IReadOnlyList<string> SiloNames = new ConfiguredReplicaTopology(new RaftKeyValueOptions { ReplicaCount = Silos }).Silos;
    private const string ProviderName = "raft";

    private readonly StorageBackend _backend;
    private readonly TempDatabaseDirectory _directory = new();
    private readonly TestDatabase? _database;
    private readonly int[] _ports = FreePorts.Take(2 * Silos);
    private readonly string _clusterId = "raftkv-backend-" + Guid.NewGuid().ToString("N")[..8];
    private readonly IHost?[] _silos = new IHost?[Silos];
    private IHost? _client;

    private BackendCluster(StorageBackend backend, TestDatabase? database)
    {
        _backend = backend;
        _database = database;
    }

    /// <summary>The client's store of the default group.</summary>
    public RaftKeyValueStore Store => _client!.Services.GetRequiredService<IClusterClient>().GetRaftKeyValueStore();

    /// <summary>Creates the storage (and, for PostgreSQL, a migrated database), then starts every silo and a client.</summary>
    public static async Task<BackendCluster> StartAsync(StorageBackend backend)
    {
        TestDatabase? database = null;
        if (backend == StorageBackend.Postgres)
        {
            database = await TestPostgres.CreateDatabaseAsync();
            await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
            await PostgreSqlSchema.EnsureCreatedAsync(dataSource, SqliteSchemaParts.All);
        }
        var cluster = new BackendCluster(backend, database);
        await cluster.StartAllSilosAsync();
        await cluster.StartClientAsync();
        return cluster;
    }

    /// <summary>Starts every silo that is not running, at the same time.</summary>
    public async Task StartAllSilosAsync() =>
        await Task.WhenAll(Enumerable.Range(1, Silos).Where(silo => _silos[silo - 1] is null).Select(StartSiloAsync));

    /// <summary>Starts silo <c>silo{number}</c> on its ports and data.</summary>
    public async Task StartSiloAsync(int number)
    {
        var name = SiloNames[number - 1];
        var host = new HostBuilder()
            .UseOrleans(silo =>
            {
                silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (_clusterId, _clusterId));
                silo.Configure<SiloOptions>(o => o.SiloName = name);
                silo.Configure<ClusterMembershipOptions>(MembershipDefaults.ApplyFastDetection);
                silo.ConfigureEndpoints(IPAddress.Loopback, _ports[2 * (number - 1)], _ports[2 * (number - 1) + 1]);
                if (_backend == StorageBackend.Postgres)
                {
                    silo.UseRaftPostgreSqlClustering(_database!.ConnectionString)
                        .UseRaftPostgreSqlReminders(_database.ConnectionString)
                        .AddRaftPostgreSqlGrainStorage(ProviderName, _database.ConnectionString);
                }
                else
                {
                    var clusterPath = _directory.PathOf("cluster.db");
                    silo.UseRaftSqliteClustering(clusterPath)
                        .UseRaftSqliteReminders(clusterPath)
                        .AddRaftSqliteGrainStorage(ProviderName, _directory.PathOf($"{name}.db"));
                }
                silo.AddRaftKeyValue(o =>
                {
                    o.RequestTimeout = TimeSpan.FromSeconds(15);
                    o.AttemptTimeout = TimeSpan.FromSeconds(1);
                });
            })
            .Build();
        _silos[number - 1] = host;
        await host.StartAsync();
    }

    /// <summary>Kills silo <c>silo{number}</c>: no graceful shutdown, its peers find out by probing.</summary>
    public async Task KillSiloAsync(int number)
    {
        var host = _silos[number - 1] ?? throw new InvalidOperationException($"{SiloNames[number - 1]} is not running");
        _silos[number - 1] = null;
        await host.StopAsync(new CancellationToken(canceled: true));
        host.Dispose();
    }

    /// <summary>Waits until every running silo's own membership view has <c>silo{victim}</c> dead.</summary>
    public async Task WaitUntilSeenDeadAsync(int victim, TimeSpan timeout) =>
        await UntilAsync(() => Task.FromResult(_silos.OfType<IHost>().All(host =>
        {
            var members = host.Services.GetRequiredService<IClusterMembershipService>().CurrentSnapshot.Members.Values;
            var name = SiloNames[victim - 1];
            return members.Any(m => m.Name == name && m.Status == SiloStatus.Dead) && !members.Any(m => m.Name == name && m.Status == SiloStatus.Active);
        })), timeout, $"{SiloNames[victim - 1]} seen dead by every running silo");

    /// <summary>Stops every silo gracefully (the client stays, and reconnects when they return).</summary>
    public async Task StopAllSilosAsync()
    {
        for (var number = 1; number <= Silos; number++)
        {
            if (_silos[number - 1] is { } host)
            {
                _silos[number - 1] = null;
                await host.StopAsync();
                host.Dispose();
            }
        }
    }

    /// <summary>Writes until the store acknowledges (a leader may be changing), or fails at the deadline.</summary>
    public async Task PutAcknowledgedAsync(string key, string value, TimeSpan timeout) =>
        await UntilAsync(async () => (await Store.PutAsync(key, value)).IsOk, timeout, $"put {key}");

    /// <summary>Reads until the store answers OK, or fails at the deadline; returns the value.</summary>
    public async Task<string?> GetAsync(string key, TimeSpan timeout)
    {
        string? value = null;
        await UntilAsync(async () =>
        {
            var response = await Store.GetAsync(key);
            value = response.Value;
            return response.IsOk;
        }, timeout, $"get {key}");
        return value;
    }

    /// <summary>The replica every live replica follows as leader, once there is one.</summary>
    public async Task<ReplicaStatus> WaitForLeaderAsync(TimeSpan timeout, int? excluding = null)
    {
        ReplicaStatus? leader = null;
        await UntilAsync(async () =>
        {
            var status = await Store.StatusAsync();
            var live = status.Replicas.Where(r => r.Replica != excluding && r.Error is null).ToList();
            var leaders = live.Where(r => r.Role == "Leader").ToList();
            if (leaders.Count != 1 || live.Any(r => r.Term != leaders[0].Term || r.Leader != leaders[0].Replica))
            {
                return false;
            }
            leader = leaders[0];
            return true;
        }, timeout, "one leader every live replica follows");
        return leader!;
    }

    private static async Task UntilAsync(Func<Task<bool>> attempt, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        Exception? last = null;
        while (clock.Elapsed < timeout)
        {
            try
            {
                if (await attempt())
                {
                    return;
                }
            }
            catch (Exception e)
            {
                // Calls through a dead gateway or to a moving replica fail until membership catches up.
                last = e;
            }
            await Task.Delay(100); // poll interval, not synchronisation: the loop is bounded by the deadline
        }
        throw new TimeoutException($"{what}: not done within {timeout.TotalSeconds:0} s; last error: {last?.GetBaseException().Message ?? "none"}");
    }

    private async Task StartClientAsync()
    {
        _client = new HostBuilder()
            .UseOrleansClient(client =>
            {
                client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (_clusterId, _clusterId));
                client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(1));
                if (_backend == StorageBackend.Postgres)
                {
                    client.UseRaftPostgreSqlClustering(_database!.ConnectionString);
                }
                else
                {
                    client.UseRaftSqliteClustering(_directory.PathOf("cluster.db"));
                }
            })
            .Build();
        await _client.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_client is not null)
        {
            await _client.StopAsync();
            _client.Dispose();
        }
        await StopAllSilosAsync();
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
        _directory.Dispose();
    }
}
