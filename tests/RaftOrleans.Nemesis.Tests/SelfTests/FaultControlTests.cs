using Orleans.Runtime;
using Orleans.Storage;
using RaftOrleans.Grains.Replica;
using RaftOrleans.Testing.Cluster;
using Xunit;

namespace RaftOrleans.Nemesis.Tests.SelfTests;

/// <summary>The fault controls do exactly what the nemesis asks of them, and heal independently.</summary>
public sealed class FaultControlTests
{
    [Fact]
    public void A_split_cuts_exactly_the_links_across_it_both_ways()
    {
        var network = new ReplicaNetwork();
        network.Split([1, 2], replicaCount: 5);
        for (var from = 1; from <= 5; from++)
        {
            for (var to = 1; to <= 5; to++)
            {
                if (from == to) continue;
                var across = (from <= 2) != (to <= 2);
                Assert.Equal(across, network.Decide(from, to).Lost);
            }
        }
    }

    [Fact]
    public void A_one_way_cut_drops_one_direction_only_and_heals_without_touching_other_faults()
    {
        var network = new ReplicaNetwork();
        var outbound = network.CutOneWay(1, [2, 3]);
        var isolate3 = network.Isolate(3, 3);
        Assert.True(network.Decide(1, 2).Lost);
        Assert.False(network.Decide(2, 1).Lost);
        network.Remove(outbound);
        Assert.False(network.Decide(1, 2).Lost);
        Assert.True(network.Decide(2, 3).Lost); // the isolation is still in place
        network.Remove(isolate3);
        Assert.Equal(0, network.ActiveFaults);
        Assert.Equal(2, network.Dropped);
    }

    [Fact]
    public void Noise_drops_and_delays_by_its_probabilities()
    {
        var network = new ReplicaNetwork(seed: 5);
        var noise = network.AddNoise(lossProbability: 0.25, delayProbability: 1.0, maxDelay: TimeSpan.FromMilliseconds(100));
        var decisions = Enumerable.Range(0, 4000).Select(_ => network.Decide(1, 2)).ToList();
        var lost = decisions.Count(d => d.Lost);
        Assert.InRange(lost, 850, 1150);
        Assert.All(decisions.Where(d => !d.Lost), d => Assert.InRange(d.Delay, TimeSpan.Zero, TimeSpan.FromMilliseconds(100)));
        network.Remove(noise);
        Assert.Equal(LinkDecision.Deliver, network.Decide(1, 2));
    }

    [Fact]
    public async Task A_paused_replica_loses_its_ticks_and_is_held_until_resumed()
    {
        var hook = new ReplicaFaultHook(new AppliedEntryLedger());
        var replica = new ReplicaKey("default", 2);
        Assert.True(hook.TickFires(replica));
        Assert.True(hook.BeforeRoundAsync(replica).IsCompleted);

        Assert.True(hook.Pause(2));
        Assert.False(hook.Pause(2));
        Assert.False(hook.TickFires(replica));
        Assert.True(hook.TickFires(new ReplicaKey("default", 1)));
        var held = hook.BeforeRoundAsync(replica).AsTask();
        Assert.False(held.IsCompleted);

        Assert.True(hook.Resume(2));
        await held.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(hook.TickFires(replica));
        Assert.False(hook.Resume(2));
    }

    [Fact]
    public async Task Storage_faults_fail_before_the_write_or_after_it_landed_as_armed()
    {
        var faults = new StorageFaults();
        var inner = new CountingStorage();
        var storage = new FaultInjectingGrainStorage(inner, faults, "silo1");
        var grain = GrainId.Create("test", "1");
        var state = new GrainState<string>("x");

        faults.FailNextWrites("silo1", 2);
        Assert.True(faults.WriteFaultArmed("silo1"));
        await Assert.ThrowsAsync<StorageFaultException>(() => storage.WriteStateAsync("s", grain, state));
        await Assert.ThrowsAsync<StorageFaultException>(() => storage.WriteStateAsync("s", grain, state));
        Assert.Equal(0, inner.Writes); // failed before reaching storage
        await storage.WriteStateAsync("s", grain, state);
        Assert.Equal(1, inner.Writes);

        faults.CrashAfterNextWrite("silo1");
        var crash = await Assert.ThrowsAsync<StorageFaultException>(() => storage.WriteStateAsync("s", grain, state));
        Assert.StartsWith("injected: crash after the write", crash.Message);
        Assert.Equal(2, inner.Writes); // the write landed
        Assert.False(faults.WriteFaultArmed("silo1"));

        var killed = new List<string>();
        faults.SiloKiller = silo => { killed.Add(silo); return Task.CompletedTask; };
        faults.KillSiloAfterNextWrite("silo1");
        await Assert.ThrowsAsync<StorageFaultException>(() => storage.WriteStateAsync("s", grain, state));
        Assert.Equal((3, "silo1"), (inner.Writes, Assert.Single(killed)));

        faults.FailNextWrites("silo2", 1);
        faults.DisarmWrites("silo2");
        await new FaultInjectingGrainStorage(inner, faults, "silo2").WriteStateAsync("s", grain, state);
        Assert.Equal((4, 2L, 1L, 1L), (inner.Writes, faults.FailedWrites, faults.CrashesAfterWrite, faults.KillsAfterWrite));
        Assert.Equal((4L, 0L), (faults.Fired("silo1"), faults.Fired("silo2")));
    }

    private sealed class CountingStorage : IGrainStorage
    {
        public int Writes { get; private set; }

        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => Task.CompletedTask;

        public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            Writes++;
            return Task.CompletedTask;
        }

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => Task.CompletedTask;
    }
}
