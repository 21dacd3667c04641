// The sample's silo: one Orleans silo that hosts the RaftOrleans store, its Raft log, membership and
// reminders in SQLite files under --Data. Start one silo with --Replicas 1 (the default here), or three
// (--Index 1..3 --Replicas 3) for a replicated store that survives any one of them.
//
//   dotnet run --project samples/ConfigAndLock/ConfigAndLock.Silo -- --Index 1 --Data ./.sample
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using RaftOrleans.Grains;
using RaftOrleans.Grains.AdoNet;
using RaftOrleans.Grains.Hosting;

var builder = Host.CreateApplicationBuilder(args);
var index = builder.Configuration.GetValue("Index", 1);
var replicas = builder.Configuration.GetValue("Replicas", 1);
var data = Path.GetFullPath(builder.Configuration["Data"] ?? ".sample");
var siloPort = builder.Configuration.GetValue("SiloPort", 11110 + index);
var gatewayPort = builder.Configuration.GetValue("GatewayPort", 30000 + index);
var clusterFile = Path.Combine(data, "cluster.db");
builder.Logging.SetMinimumLevel(LogLevel.Warning);

builder.UseOrleans(silo =>
{
    // The ids raftkv and RaftKeyValueClient expect by default.
    silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = ("raftkv", "raftkv"));
    // Replica i of the group lives on the silo named silo{i}.
    silo.Configure<SiloOptions>(o => o.SiloName = $"silo{index}");
    silo.ConfigureEndpoints(IPAddress.Loopback, siloPort, gatewayPort);
    // Membership and reminders in one file shared by this machine's silos; the Raft log in one file per silo.
    silo.UseRaftSqliteClustering(clusterFile);
    silo.UseRaftSqliteReminders(clusterFile);
    silo.AddRaftSqliteGrainStorage("raft", Path.Combine(data, $"silo{index}", "raft.db"),
        o => o.DeleteStateOnClear = true);   // compaction deletes the rows it leaves behind
    silo.AddRaftKeyValue(o => o.ReplicaCount = replicas);
});

using var host = builder.Build();
await host.StartAsync();

// A linearizable read answers once the group has a leader; the gateway itself answers Unavailable
// after its deadline while none is elected (with three replicas: until two silos are up).
var store = host.Services.GetRequiredService<IGrainFactory>().GetRaftKeyValueStore();
while ((await store.GetAsync("sample/ready")).Status == KvStatusCode.Unavailable)
{
}
Console.WriteLine($"silo{index} serving: gateway 127.0.0.1:{gatewayPort}, data {data}");
await host.WaitForShutdownAsync();
