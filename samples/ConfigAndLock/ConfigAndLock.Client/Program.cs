// The sample's application: its configuration and a lock live in RaftOrleans. It seeds the
// configuration once, reads it back linearizably, and runs a "nightly report" that two workers race
// for: the lease-backed lock (RaftOrleans.Recipes) lets exactly one run it at a time, and the report's
// result is written only while the lock is still held (fenced by the lock's token).
//
//   dotnet run --project samples/ConfigAndLock/ConfigAndLock.Client -- 127.0.0.1:30001
using System.Net;
using RaftOrleans.Client.Connection;
using RaftOrleans.Grains;
using RaftOrleans.Recipes;

var gateways = (args.Length > 0 ? args : ["127.0.0.1:30001"]).Select(IPEndPoint.Parse).ToList();
await using var client = await RaftKeyValueClient.ConnectAsync(new ConnectionSettings { Gateways = gateways });
IRaftKeyValueStore store = client.Store;

// Configuration: defaults are written only where no value exists yet, so an operator's change
// (raftkv set app/config/report-hour 3) survives the next start.
var defaults = new Dictionary<string, string> { ["app/config/report-hour"] = "2", ["app/config/greeting"] = "hello" };
foreach (var (key, value) in defaults)
{
    var seeded = await store.CompareAndSwapAsync(key, CasCondition.NotExists(), value);
    Require(seeded.Status is KvStatusCode.Ok or KvStatusCode.CasConflict, $"seeding {key}", seeded);
}
var config = await store.RangeAsync(RangeRequest.WithPrefix("app/config/"));   // linearizable, in key order
Require(config.IsOk, "reading the configuration", config);
foreach (var item in config.Items!.Where(i => defaults.ContainsKey(i.Key)))
{
    Console.WriteLine($"config {item.Key} = {item.Value} (revision {item.ModRevision})");
}

// The lock: held by a lease, so a worker that crashes while holding it frees it once its lease runs
// out (LeaseTtl) instead of keeping it forever. Two workers race for it here, in one process.
var reportLock = new RaftDistributedLock(store, "nightly-report", new RaftLockOptions { Prefix = "app/locks/", LeaseTtl = TimeSpan.FromSeconds(10) });
long tokenA;
await using (var a = await reportLock.TryAcquireAsync() ?? throw new InvalidOperationException("worker-a: the lock is held by someone else"))
{
    tokenA = a.FencingToken;
    Console.WriteLine("worker-a took the lock");
    await using (var b = await reportLock.TryAcquireAsync())
    {
        Console.WriteLine(b is null ? "worker-b: lock held by worker-a" : "worker-b took the lock (a second holder: a bug)");
        if (b is not null) return 1;
    }

    var runs = await store.IncrementAsync("app/reports/runs");
    Require(runs.IsOk, "counting the run", runs);
    // Written only if worker-a still holds the lock: a holder that lost its lease cannot overwrite the next one's work.
    var result = await a.PutIfHeldAsync("app/reports/last-run-by", "worker-a");
    Require(result.IsOk && result.Succeeded, "writing the report", result);
    Console.WriteLine($"worker-a ran the report (run {runs.Value})");
}
Console.WriteLine("worker-a released the lock");

await using (var b = await reportLock.AcquireAsync(TimeSpan.FromSeconds(30)))
{
    Console.WriteLine(b.FencingToken > tokenA ? "worker-b took the lock, with a newer fencing token" : "worker-b took the lock with an old token (a bug)");
    var result = await b.PutIfHeldAsync("app/reports/last-run-by", "worker-b");
    Require(result.IsOk && result.Succeeded, "writing the report", result);
}
Console.WriteLine("worker-b released the lock");
return 0;

static void Require(bool condition, string what, KvResponse response)
{
    if (!condition) throw new InvalidOperationException($"{what}: {response.Status} {response.Message}");
}
