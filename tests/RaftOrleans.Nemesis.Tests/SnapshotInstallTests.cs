using System.Diagnostics;
using System.Globalization;
using RaftOrleans.Grains;
using RaftOrleans.Nemesis.Tests.Checks;
using RaftOrleans.Nemesis.Tests.Harness;
using RaftOrleans.Testing.Workload;
using RaftOrleans.Testing.Cluster;
using RaftOrleans.Testing.History;
using Xunit;
using Xunit.Abstractions;

namespace RaftOrleans.Nemesis.Tests;

/// <summary>
/// InstallSnapshot under faults (issue #11): a follower partitioned away while the others commit tens
/// of thousands of entries falls behind the leader's compacted log, so it can only come back through a
/// snapshot install; it does so while the network drops and delays messages and leadership moves in
/// the middle of the transfer. The checked clients run throughout, and the run ends with the usual
/// checks: convergence, identical states and logs, linearizability, no lost acknowledged write.
/// </summary>
public sealed class SnapshotInstallTests(ITestOutputHelper output)
{
    /// <summary>Entries the partitioned follower must miss: far more than the trailing tail the leader keeps.</summary>
    private const int EntriesBehind = 20_000;

    // Small, so a snapshot and a compaction happen many times within the cut (and CI time stays short).
    private const int SnapshotEveryEntries = 1_000;
    private const int TrailingEntries = 200;

    private const int BulkWriters = 48;

    [Fact]
    public async Task A_follower_cut_off_for_tens_of_thousands_of_entries_catches_up_through_InstallSnapshot_under_faults()
    {
        var seed = Environment.GetEnvironmentVariable("RAFTKV_NEMESIS_SEED") is { Length: > 0 } s ? int.Parse(s, CultureInfo.InvariantCulture) : 1101;
        output.WriteLine($"seed {seed} (replay: RAFTKV_NEMESIS_SEED={seed} dotnet test tests/RaftOrleans.Nemesis.Tests -c Release --filter \"FullyQualifiedName~SnapshotInstallTests\")");
        var random = new Random(seed);
        var recorder = new HistoryRecorder();
        var stats = new WorkloadStats();
        var keys = Enumerable.Range(0, 4).Select(WorkloadClient.KeyName).ToList();
        var failures = new List<string>();
        var clock = Stopwatch.StartNew();
        void Progress(string what) => output.WriteLine($"{clock.Elapsed.TotalSeconds,6:0.0} s  {what}");

        await using var cluster = await RaftTestCluster.StartAsync(new RaftTestClusterOptions
        {
            Replicas = 3,
            Seed = seed,
            RequestTimeout = NemesisRun.RequestTimeout,
            AttemptTimeout = TimeSpan.FromSeconds(1),
            ClientResponseTimeout = NemesisRun.ClientDeadline,
            ConfigureRaft = o =>
            {
                o.SnapshotEveryEntries = SnapshotEveryEntries;
                o.TrailingEntries = TrailingEntries;
            },
        });
        var leader = await cluster.WaitForLeaderAsync(TimeSpan.FromSeconds(60));
        var lagging = Enumerable.Range(1, 3).Where(r => r != leader.Replica).ElementAt(random.Next(2));
        Progress($"leader {leader.Replica}; cutting off follower {lagging}");

        var workload = new ClientWorkload(5, seed, keys.Count, () => cluster.Store, recorder, stats, NemesisRun.ClientDeadline);
        workload.Start();
        var cut = cluster.Network.Isolate(lagging, cluster.ReplicaCount);
        var before = Single(await cluster.ReplicaStatusesAsync(TimeSpan.FromSeconds(5)), lagging);

        // Bulk writes (unique keys, each written once) until the majority committed EntriesBehind
        // entries past what the follower holds; a sample is read back from the follower at the end.
        var acknowledged = await WriteBulkUntilAsync(cluster, before.LastIndex + EntriesBehind, TimeSpan.FromSeconds(150));
        var statuses = await cluster.ReplicaStatusesAsync(TimeSpan.FromSeconds(5));
        var current = statuses.Where(r => r.Role == "Leader").MaxBy(r => r.Term)!;
        var cutOff = Single(statuses, lagging);
        Progress($"{acknowledged.Count} bulk writes acknowledged; leader {current.Replica} first index {current.FirstIndex}, commit {current.Commit}; follower {lagging} last index {cutOff.LastIndex}");
        // The entries the follower needs are gone from the leader's log: appends alone cannot help it.
        Assert.True(current.FirstIndex > cutOff.LastIndex + 1, $"the leader's log was not compacted past the follower (first index {current.FirstIndex}, follower's last {cutOff.LastIndex})");
        Assert.True(current.Commit - cutOff.LastIndex >= EntriesBehind, $"follower is only {current.Commit - cutOff.LastIndex} entries behind");

        // Faults during the catch-up: lossy, slow links, and leadership moving mid-transfer (the new
        // leader starts the transfer over).
        cluster.Network.Remove(cut);
        var noise = cluster.Network.AddNoise(lossProbability: 0.05, delayProbability: 0.2, maxDelay: TimeSpan.FromMilliseconds(40));
        var heir = Enumerable.Range(1, 3).Single(r => r != lagging && r != current.Replica);
        Progress($"healed the cut; 5 % loss, 20 % delayed up to 40 ms; moving leadership from {current.Replica} to {heir} mid-transfer");
        await cluster.WaitUntilAsync(async () => !(await cluster.Replica(current.Replica).TransferLeadership(heir)).NotLeader, TimeSpan.FromSeconds(10), $"leader {current.Replica} accepts a transfer to {heir}");

        await cluster.WaitUntilAsync(async () =>
        {
            var now = await cluster.ReplicaStatusesAsync(TimeSpan.FromSeconds(2));
            var follower = Single(now, lagging);
            // Two replicas may both report Leader for a moment during an election: wait for one.
            return now.Count(r => r.Role == "Leader") == 1 && follower.SnapshotsInstalled >= 1 && follower.Applied >= cutOff.LastIndex + EntriesBehind;
        }, TimeSpan.FromSeconds(90), $"follower {lagging} installs a snapshot and applies past index {cutOff.LastIndex + EntriesBehind}");
        Progress("follower installed a snapshot and caught up; healing and stopping the clients");

        cluster.Network.Remove(noise);
        cluster.Network.Heal();
        await workload.StopAsync(NemesisRun.RequestTimeout + TimeSpan.FromSeconds(2));
        failures.AddRange(stats.Unexpected.Select(u => "unexpected answer: " + u));

        var verification = await EndOfRun.VerifyAsync(cluster, recorder, keys, NemesisRun.ClientDeadline);
        failures.AddRange(verification.Failures);
        Progress($"checker: {verification.Checker}; outcomes: {stats}");

        var caughtUp = Single(await cluster.ReplicaStatusesAsync(TimeSpan.FromSeconds(5)), lagging);
        Progress($"follower {lagging}: installs {caughtUp.SnapshotsInstalled}, first index {caughtUp.FirstIndex}, snapshot index {caughtUp.SnapshotIndex}, applied {caughtUp.Applied}");
        if (caughtUp.SnapshotsInstalled < 1) failures.Add($"follower {lagging} caught up without installing a snapshot");
        if (caughtUp.FirstIndex <= cutOff.LastIndex + 1) failures.Add($"follower {lagging}'s log starts at {caughtUp.FirstIndex}: it was not replaced by the snapshot");

        // Lost-write check for the bulk writes, on the follower that got them through the snapshot.
        foreach (var (key, value) in acknowledged.Where((_, i) => i % 50 == 0))
        {
            var seen = await cluster.Replica(lagging).ReadStale(key).WaitAsync(TimeSpan.FromSeconds(10));
            if (seen.Status != KvStatusCode.Ok || seen.Value != value) failures.Add($"follower {lagging}: acknowledged bulk write {key}={value} reads as {seen.Status} \"{seen.Value}\"");
        }

        if (failures.Count > 0)
        {
            Assert.Fail($"seed {seed}:\n{string.Join('\n', failures.Take(30))}\nCluster:\n{await cluster.DescribeAsync()}");
        }
    }

    private static ReplicaStatus Single(IReadOnlyList<ReplicaStatus> statuses, int replica) => statuses.Single(r => r.Replica == replica);

    /// <summary>
    /// Puts unique keys from <see cref="BulkWriters"/> concurrent writers until the leader's commit
    /// index reaches <paramref name="commitTarget"/>. Returns the acknowledged (key, value) pairs.
    /// </summary>
    private static async Task<List<(string Key, string Value)>> WriteBulkUntilAsync(RaftTestCluster cluster, long commitTarget, TimeSpan timeout)
    {
        var acknowledged = new List<(string, string)>();
        using var stop = new CancellationTokenSource(timeout);
        var reached = false;
        async Task Writer(int writer)
        {
            for (var i = 0; !stop.IsCancellationRequested && !Volatile.Read(ref reached); i++)
            {
                var key = $"bulk-{writer}-{i}";
                var value = $"v{i}";
                var response = await cluster.Store.PutAsync(key, value);
                if (response.Status == KvStatusCode.Ok)
                {
                    lock (acknowledged) acknowledged.Add((key, value));
                }
            }
        }
        async Task Watch()
        {
            while (!stop.IsCancellationRequested)
            {
                var statuses = await cluster.ReplicaStatusesAsync(TimeSpan.FromSeconds(2));
                if (statuses.Any(r => r.Role == "Leader" && r.Commit >= commitTarget))
                {
                    Volatile.Write(ref reached, true);
                    return;
                }
                // Polling interval of the progress check, not a synchronisation point.
                await Task.Delay(250, CancellationToken.None);
            }
        }
        await Task.WhenAll(Enumerable.Range(0, BulkWriters).Select(w => Task.Run(() => Writer(w))).Append(Watch()));
        if (!reached) throw new TimeoutException($"the majority did not commit up to index {commitTarget} within {timeout.TotalSeconds:0} s ({acknowledged.Count} bulk writes acknowledged)\n{await cluster.DescribeAsync()}");
        return acknowledged;
    }
}
