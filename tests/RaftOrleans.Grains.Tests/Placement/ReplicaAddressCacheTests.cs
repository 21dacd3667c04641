using System.Collections.Immutable;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Runtime;
using RaftOrleans.Grains.Hosting;
using RaftOrleans.Grains.Placement;
using RaftOrleans.Grains.Topology;
using Xunit;

namespace RaftOrleans.Grains.Tests.Placement;

/// <summary>
/// Replica addresses come from membership, never from a directory lookup (a lookup can wait on a
/// killed silo until it is declared dead, in the middle of the failover it delays).
/// </summary>
public sealed class ReplicaAddressCacheTests
{
    private static readonly SiloAddress Silo1 = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11111), 1);
    private static readonly SiloAddress Silo2 = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11112), 1);
    private static readonly SiloAddress Silo2Restarted = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11112), 2);

    private static GrainId ReplicaId(string key) => GrainId.Create(ReplicaAddressCache.ReplicaGrainTypeName, key);

    [Fact]
    public void A_replica_is_found_on_the_active_silo_named_for_it_without_any_cache_entry()
    {
        var membership = new FakeMembership((Silo1, SiloStatus.Active, "silo1"), (Silo2, SiloStatus.Active, "silo2"));
        var cache = Create(membership);

        Assert.True(cache.LookUp(ReplicaId("default/2"), out var address, out _));
        Assert.Equal(Silo2, address.SiloAddress);
        Assert.True(cache.LookUp(ReplicaId("orders/1"), out address, out _));
        Assert.Equal(Silo1, address.SiloAddress);
    }

    [Fact]
    public void A_replica_whose_silo_is_not_active_has_no_address_and_a_restart_is_followed()
    {
        var membership = new FakeMembership((Silo1, SiloStatus.Active, "silo1"), (Silo2, SiloStatus.Dead, "silo2"));
        var cache = Create(membership);
        Assert.False(cache.LookUp(ReplicaId("default/2"), out _, out _));
        Assert.False(cache.LookUp(ReplicaId("default/3"), out _, out _));

        membership.Set((Silo1, SiloStatus.Active, "silo1"), (Silo2, SiloStatus.Dead, "silo2"), (Silo2Restarted, SiloStatus.Active, "silo2"));
        Assert.True(cache.LookUp(ReplicaId("default/2"), out var address, out _));
        Assert.Equal(Silo2Restarted, address.SiloAddress);
    }

    [Fact]
    public void A_silo_restarted_on_another_address_is_used_while_its_old_incarnation_is_still_listed_active()
    {
        // A rescheduled pod joins on a new address before the stall-tolerant membership declares
        // its old incarnation dead (about 20 s): both are Active under one name for a while.
        var moved = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11113), 3);
        var membership = new FakeMembership((Silo1, SiloStatus.Active, "silo1"), (moved, SiloStatus.Active, "silo2"), (Silo2, SiloStatus.Active, "silo2"));
        var cache = Create(membership);
        Assert.True(cache.LookUp(ReplicaId("default/2"), out var address, out _));
        Assert.Equal(moved, address.SiloAddress);

        membership.Set((Silo1, SiloStatus.Active, "silo1"), (Silo2, SiloStatus.Active, "silo2"), (moved, SiloStatus.Active, "silo2"));
        Assert.True(cache.LookUp(ReplicaId("default/2"), out address, out _));
        Assert.Equal(moved, address.SiloAddress);
    }

    [Fact]
    public void Removing_or_adding_a_replica_entry_changes_nothing_while_other_grains_use_a_normal_cache()
    {
        var membership = new FakeMembership((Silo1, SiloStatus.Active, "silo1"), (Silo2, SiloStatus.Active, "silo2"));
        var cache = Create(membership);
        var replica = ReplicaId("default/1");
        cache.AddOrUpdate(new GrainAddress { GrainId = replica, SiloAddress = Silo2 }, 0);
        Assert.False(cache.Remove(replica));
        Assert.True(cache.LookUp(replica, out var address, out _));
        Assert.Equal(Silo1, address.SiloAddress);

        var other = GrainId.Create("othergrain", "default");
        Assert.False(cache.LookUp(other, out _, out _));
        cache.AddOrUpdate(new GrainAddress { GrainId = other, SiloAddress = Silo2 }, 0);
        Assert.True(cache.LookUp(other, out address, out _));
        Assert.Equal(Silo2, address.SiloAddress);
        Assert.True(cache.Remove(other));
        Assert.False(cache.LookUp(other, out _, out _));
    }

    [Fact]
    public void The_gateway_grain_is_always_on_this_silo_without_a_lookup_unless_this_silo_is_stopping()
    {
        // A directory lookup for the stateless-worker gateway can wait ~20 s on a killed silo that
        // owned its directory partition; the cache answers with the local silo instead.
        var membership = new FakeMembership((Silo1, SiloStatus.Active, "silo1"), (Silo2, SiloStatus.Active, "silo2"));
        var cache = Create(membership, local: Silo2);
        var gateway = GrainId.Create(ReplicaAddressCache.GatewayGrainTypeName, "default");
        Assert.True(cache.LookUp(gateway, out var address, out _));
        Assert.Equal(Silo2, address.SiloAddress);
        Assert.Equal(gateway, address.GrainId);

        cache.AddOrUpdate(new GrainAddress { GrainId = gateway, SiloAddress = Silo1 }, 0);
        Assert.False(cache.Remove(gateway));
        Assert.True(cache.LookUp(GrainId.Create(ReplicaAddressCache.GatewayGrainTypeName, "orders"), out address, out _));
        Assert.Equal(Silo2, address.SiloAddress);
        Assert.True(cache.LookUp(gateway, out address, out _));
        Assert.Equal(Silo2, address.SiloAddress);

        membership.Set((Silo1, SiloStatus.Active, "silo1"), (Silo2, SiloStatus.ShuttingDown, "silo2"));
        Assert.False(cache.LookUp(gateway, out _, out _));
    }

    private static ReplicaAddressCache Create(FakeMembership membership, SiloAddress? local = null)
    {
        var services = new ServiceCollection().AddSingleton<IClusterMembershipService>(membership)
            .AddSingleton<ILocalSiloDetails>(new FakeLocalSilo(local ?? Silo1)).BuildServiceProvider();
        // Two groups, so the tests show that a replica's address follows its index in any served group.
        var topology = new ConfiguredReplicaTopology(new RaftKeyValueOptions { Groups = ["default", "orders"] });
        return new ReplicaAddressCache(services, new GrainDirectoryOptions(), topology);
    }

    private sealed class FakeMembership : IClusterMembershipService
    {
        private long _version;

        public FakeMembership(params (SiloAddress Silo, SiloStatus Status, string Name)[] members) => Set(members);

        public ClusterMembershipSnapshot CurrentSnapshot { get; private set; } = null!;

        public IAsyncEnumerable<ClusterMembershipSnapshot> MembershipUpdates => throw new NotSupportedException();

        public void Set(params (SiloAddress Silo, SiloStatus Status, string Name)[] members)
            => CurrentSnapshot = new ClusterMembershipSnapshot(
                members.ToImmutableDictionary(m => m.Silo, m => new ClusterMember(m.Silo, m.Status, m.Name)),
                new MembershipVersion(++_version));

        public ValueTask Refresh(MembershipVersion minimumVersion = default, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public Task<bool> TryKill(SiloAddress siloAddress) => Task.FromResult(false);
    }

    private sealed class FakeLocalSilo(SiloAddress silo) : ILocalSiloDetails
    {
        public string Name => "local";

        public string ClusterId => "test";

        public string DnsHostName => "localhost";

        public SiloAddress SiloAddress => silo;

        public SiloAddress GatewayAddress => silo;
    }
}
