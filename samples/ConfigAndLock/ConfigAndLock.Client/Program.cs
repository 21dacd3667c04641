// The sample's application: its configuration and a lock live in RaftOrleans. It seeds the
// configuration once, reads it back linearizably, and runs a "nightly report" that two workers race
// for: the CAS lock lets exactly one run it at a time.
//
//   dotnet run --project samples/ConfigAndLock/ConfigAndLock.Client -- 127.0.0.1:30001
using System.Net;
using ConfigAndLock;
using RaftOrleans.Client.Connection;
using RaftOrleans.Grains;

var gateways = (args.Length > 0 ? args : ["127.0.0.1:30001"]).Select(IPEndPoint.Parse).ToList();
await using var client = await RaftKeyValueClient.ConnectAsync(new ConnectionSettings { Gateways = gateways });
var store = client.Store;

// Configuration: defaults are written only where no value exists yet, so an operator's change
// (raftkv set app/config/report-hour 3) survives the next start.
var defaults = new Dictionary<string, string> { ["app/config/report-hour"] = "2", ["app/config/greeting"] = "hello" };
foreach (var (key, value) in defaults)
{
    var seeded = await store.CompareAndSwapAsync(key, CasCondition.NotExists(), value);
    Require(seeded.Status is KvStatusCode.Ok or KvStatusCode.CasConflict, $"seeding {key}", seeded);
}
foreach (var key in defaults.Keys)
{
    var read = await store.GetAsync(key);   // linearizable: sees every write acknowledged before it
    Require(read.IsOk, $"reading {key}", read);
    Console.WriteLine($"config {key} = {read.Value} (revision {read.Revision})");
}

// The lock: worker-a takes it, worker-b is refused while a holds it, then gets it once a releases it.
var reportLock = new CasLock(store, "app/locks/nightly-report");
var (a, holder) = await reportLock.TryAcquireAsync("worker-a");
Console.WriteLine(a ? "worker-a took the lock" : $"worker-a: lock held by {holder}");
var (b, holderForB) = await reportLock.TryAcquireAsync("worker-b");
Console.WriteLine(b ? "worker-b took the lock" : $"worker-b: lock held by {holderForB}");
if (a)
{
    var runs = await IncrementAsync(store, "app/reports/runs");
    Console.WriteLine($"worker-a ran the report (run {runs})");
    Console.WriteLine(await reportLock.ReleaseAsync("worker-a") ? "worker-a released the lock" : "worker-a did not hold the lock");
}
(b, holderForB) = await reportLock.TryAcquireAsync("worker-b");
Console.WriteLine(b ? "worker-b took the lock" : $"worker-b: lock held by {holderForB}");
if (b) Console.WriteLine(await reportLock.ReleaseAsync("worker-b") ? "worker-b released the lock" : "worker-b did not hold the lock");
return a && b ? 0 : 1;

// A counter: read, then CAS on the revision read, again on a conflict.
static async Task<long> IncrementAsync(RaftKeyValueStore store, string key)
{
    while (true)
    {
        var current = await store.GetAsync(key);
        Require(current.Status is KvStatusCode.Ok or KvStatusCode.NotFound, $"reading {key}", current);
        var next = current.IsOk ? long.Parse(current.Value!) + 1 : 1;
        var condition = current.IsOk ? CasCondition.RevisionEquals(current.Revision) : CasCondition.NotExists();
        var swap = await store.CompareAndSwapAsync(key, condition, next.ToString());
        if (swap.IsOk) return next;
        Require(swap.Status == KvStatusCode.CasConflict, $"incrementing {key}", swap);
    }
}

static void Require(bool condition, string what, KvResponse response)
{
    if (!condition) throw new InvalidOperationException($"{what}: {response.Status} {response.Message}");
}
