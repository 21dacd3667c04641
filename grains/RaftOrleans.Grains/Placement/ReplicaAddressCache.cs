using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Runtime.GrainDirectory;
using RaftOrleans.Grains.Replica;
using RaftOrleans.Grains.Topology;

namespace RaftOrleans.Grains.Placement;

/// <summary>
/// The silo's grain-address cache, with one difference: the address of a Raft replica is computed
/// from the membership snapshot (the active silo named for it) instead of being looked up.
/// </summary>
/// <remarks>
/// Orleans addresses a call through this cache first and, on a miss, asks the grain directory
/// partition that owns the grain id, which can be any silo. When that silo had just been killed
/// and was not yet declared dead (0.7–0.85 s here), the lookup waited for the declaration. That is
/// exactly the moment of a failover, and a replica that never talked to a peer before (a follower
/// restarted since the last election) then could not send its votes: one failover in three took an
/// extra 0.5 s. A replica's place never needs a lookup (<see cref="ReplicaPlacementDirector"/> pins
/// it to its silo by name), so this cache always answers for replicas and keeps everything else in
/// Orleans' own LRU cache.
/// <para>
/// It also answers for the gateway grain (<c>KeyValueGrain</c>, a stateless worker) with this silo.
/// Orleans 10.4.2 addresses a call to a stateless worker like any other grain: on a cache miss its
/// placement worker first does a full directory lookup (<c>DhtGrainLocator.Lookup</c>), although a
/// stateless worker is never registered there, and only then asks the stateless-worker director, which
/// picks the local silo. When the partition owning <c>keyvalue/default</c> was on a killed silo, that
/// lookup failed ("Unable to connect") until the silo was declared dead, about 20 s with the
/// stall-tolerant membership, and client writes through a surviving gateway waited that long. Answering
/// here with the local silo is what the director would pick, without the lookup.
/// </para>
/// </remarks>
public sealed class ReplicaAddressCache : IGrainDirectoryCache
{
    /// <summary>The grain type name of the replica grain (see <c>RaftReplicaGrain</c>).</summary>
    public const string ReplicaGrainTypeName = "raftreplica";

    /// <summary>The grain type name of the gateway grain (see <c>KeyValueGrain</c>).</summary>
    public const string GatewayGrainTypeName = "keyvalue";

    private static readonly GrainType ReplicaGrainType = GrainType.Create(ReplicaGrainTypeName);
    private static readonly GrainType GatewayGrainType = GrainType.Create(GatewayGrainTypeName);
    private readonly IServiceProvider _services;
    private readonly IGrainDirectoryCache _inner;
    private readonly IReplicaTopology _topology;
    private IClusterMembershipService? _membership;
    private ILocalSiloDetails? _localSilo;
    private ActiveSilos _active = new(MembershipVersion.MinValue, []);

    /// <summary>Creates the cache; everything but replicas goes to an LRU cache sized by <paramref name="directoryOptions"/>.</summary>
    public ReplicaAddressCache(IServiceProvider services, GrainDirectoryOptions directoryOptions, IReplicaTopology topology)
    {
        _services = services;
        _topology = topology;
        var lru = new GrainDirectoryOptions
        {
            CachingStrategy = GrainDirectoryOptions.CachingStrategyType.LRU,
            CacheSize = directoryOptions.CacheSize,
            MaximumCacheTTL = directoryOptions.MaximumCacheTTL,
        };
        _inner = GrainDirectoryCacheFactory.CreateGrainDirectoryCache(services, lru);
    }

    /// <inheritdoc />
    public bool LookUp(GrainId key, [NotNullWhen(true)] out GrainAddress? result, out int version)
    {
        if (IsGateway(key)) return LookUpGateway(key, out result, out version);
        if (!IsReplica(key)) return _inner.LookUp(key, out result, out version);
        version = 0;
        result = null;
        // A replica the topology does not know has no address either: placement refuses it.
        if (!ReplicaKey.TryParse(key.Key.ToString() ?? "", out var replica) || !_topology.Contains(replica)) return false;
        var snapshot = Membership.CurrentSnapshot;
        var active = _active;
        if (active.Version != snapshot.Version)
        {
            var byName = new Dictionary<string, SiloAddress>(StringComparer.Ordinal);
            foreach (var member in snapshot.Members.Values)
            {
                // Two active entries can share a name for a while: a silo restarted on another
                // address (a rescheduled pod) joins before its old incarnation is declared dead,
                // which the stall-tolerant membership takes about 20 s to do. The newest one is live.
                if (member.Status == SiloStatus.Active
                    && (!byName.TryGetValue(member.Name, out var seen) || seen.Generation < member.SiloAddress.Generation))
                {
                    byName[member.Name] = member.SiloAddress;
                }
            }
            _active = active = new ActiveSilos(snapshot.Version, byName);
        }
        // A replica whose silo is not active has no address: the call goes on to placement, whose
        // director reports the replica down.
        if (!active.ByName.TryGetValue(_topology.SiloOf(replica), out var silo)) return false;
        result = new GrainAddress { GrainId = key, SiloAddress = silo, MembershipVersion = active.Version };
        return true;
    }

    /// <summary>
    /// The gateway grain runs on this silo, as the stateless-worker director would place it, unless this
    /// silo is shutting down: then the miss sends the call through Orleans' placement, whose director
    /// picks another silo.
    /// </summary>
    private bool LookUpGateway(GrainId key, [NotNullWhen(true)] out GrainAddress? result, out int version)
    {
        version = 0;
        result = null;
        var local = (_localSilo ??= _services.GetRequiredService<ILocalSiloDetails>()).SiloAddress;
        var snapshot = Membership.CurrentSnapshot;
        if (snapshot.GetSiloStatus(local).IsTerminating()) return false;
        result = new GrainAddress { GrainId = key, SiloAddress = local, MembershipVersion = snapshot.Version };
        return true;
    }

    /// <inheritdoc />
    public void AddOrUpdate(GrainAddress value, int version)
    {
        if (!IsComputed(value.GrainId)) _inner.AddOrUpdate(value, version);
    }

    /// <inheritdoc />
    public bool Remove(GrainId key) => !IsComputed(key) && _inner.Remove(key);

    /// <inheritdoc />
    public bool Remove(GrainAddress key) => !IsComputed(key.GrainId) && _inner.Remove(key);

    /// <inheritdoc />
    public void Clear() => _inner.Clear();

    /// <inheritdoc />
    public IEnumerable<(GrainAddress ActivationAddress, int Version)> KeyValues => _inner.KeyValues;

    private IClusterMembershipService Membership => _membership ??= _services.GetRequiredService<IClusterMembershipService>();

    private static bool IsReplica(GrainId id) => id.Type.Equals(ReplicaGrainType);

    private static bool IsGateway(GrainId id) => id.Type.Equals(GatewayGrainType);

    /// <summary>Addresses this cache computes instead of storing.</summary>
    private static bool IsComputed(GrainId id) => IsReplica(id) || IsGateway(id);

    /// <summary>Active silos by name at one membership version; replaced whole, so readers never see a mix.</summary>
    private sealed record ActiveSilos(MembershipVersion Version, Dictionary<string, SiloAddress> ByName);
}
