using Xunit;

namespace RaftOrleans.Grains.Tests.Backends;

/// <summary>
/// The integration scenarios every back end must pass: a 3-silo cluster on the back end's clustering and
/// storage elects a leader and serves, survives the kill of any one silo, and keeps everything acknowledged
/// across a full stop and start. One matrix (theories over <see cref="StorageBackend"/>), not copies.
/// </summary>
public sealed class BackendClusterTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public static TheoryData<StorageBackend> Backends => [StorageBackend.Sqlite, StorageBackend.Postgres];

    public static TheoryData<StorageBackend, int> BackendsAndSilos
    {
        get
        {
            var data = new TheoryData<StorageBackend, int>();
            foreach (var backend in Enum.GetValues<StorageBackend>())
            {
                for (var silo = 1; silo <= BackendCluster.Silos; silo++)
                {
                    data.Add(backend, silo);
                }
            }
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task ThreeSilos_ElectALeader_AndServeWritesAndReads(StorageBackend backend)
    {
        await using var cluster = await BackendCluster.StartAsync(backend);

        var leader = await cluster.WaitForLeaderAsync(Patience);
        await cluster.PutAcknowledgedAsync("colour", "green", Patience);

        Assert.InRange(leader.Replica, 1, BackendCluster.Silos);
        Assert.Equal("green", await cluster.GetAsync("colour", Patience));
        Assert.Equal(KvStatusCode.NotFound, (await cluster.Store.GetAsync("never-written")).Status);
    }

    [Theory]
    [MemberData(nameof(BackendsAndSilos))]
    public async Task KillingAnyOneSilo_KeepsTheClusterServing(StorageBackend backend, int victim)
    {
        await using var cluster = await BackendCluster.StartAsync(backend);
        await cluster.WaitForLeaderAsync(Patience);
        await cluster.PutAcknowledgedAsync("before", "1", Patience);
        var activated = (await cluster.Store.StatusAsync()).Replicas.ToDictionary(r => r.Replica, r => r.ActivatedAt);

        await cluster.KillSiloAsync(victim);
        var leader = await cluster.WaitForLeaderAsync(Patience, excluding: victim);
        await cluster.PutAcknowledgedAsync("after", "2", Patience);

        Assert.NotEqual(victim, leader.Replica);
        Assert.Equal("1", await cluster.GetAsync("before", Patience));
        Assert.Equal("2", await cluster.GetAsync("after", Patience));

        // The surviving replicas kept their activations through the death declaration. With Orleans'
        // grain directory, a silo's death deactivated the activations whose directory entry it held,
        // restarting live replicas in the middle of the failover (replicas now bypass the directory).
        await cluster.WaitUntilSeenDeadAsync(victim, Patience);
        await cluster.PutAcknowledgedAsync("declared", "3", Patience);
        foreach (var replica in (await cluster.Store.StatusAsync()).Replicas.Where(r => r.Replica != victim))
        {
            Assert.True(replica.Error is null && replica.ActivatedAt == activated[replica.Replica],
                $"replica {replica.Replica} was re-activated after silo{victim} died ({activated[replica.Replica]:O} -> {replica.ActivatedAt:O}; {replica.Error})");
        }
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task AFullStopAndStart_LosesNothingAcknowledged(StorageBackend backend)
    {
        await using var cluster = await BackendCluster.StartAsync(backend);
        await cluster.WaitForLeaderAsync(Patience);
        var written = Enumerable.Range(0, 20).ToDictionary(i => $"key-{i}", i => $"value-{i}");
        foreach (var (key, value) in written)
        {
            await cluster.PutAcknowledgedAsync(key, value, Patience);
        }

        await cluster.StopAllSilosAsync();
        await cluster.StartAllSilosAsync();
        await cluster.WaitForLeaderAsync(Patience);

        foreach (var (key, value) in written)
        {
            Assert.Equal(value, await cluster.GetAsync(key, Patience));
        }
    }
}
