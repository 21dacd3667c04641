using System.Collections.Concurrent;
using RaftOrleans.Grains.Replica;

namespace RaftOrleans.Grains.Topology;

/// <summary>
/// The topology a silo serves from: each group's members as its committed configuration says, as far as this silo
/// has seen it, over the <see cref="ConfiguredReplicaTopology"/> of the options (the initial voters, and where every
/// replica lives). The local replicas report their group's configuration whenever a newer one commits, and the
/// gateway reports what replicas elsewhere answer, so the gateway routes to members added since the silo started
/// and stops racing removed ones. Thread-safe.
/// </summary>
public sealed class CommittedReplicaTopology(ConfiguredReplicaTopology configured) : IReplicaTopology
{
    private readonly ConcurrentDictionary<string, (long Index, IReadOnlyList<ReplicaMember> Members, IReadOnlyList<int> Voters)> _committed =
        new(StringComparer.Ordinal);

    /// <inheritdoc />
    public IReadOnlyList<string> Groups => configured.Groups;

    /// <inheritdoc />
    public IReadOnlyList<string> Silos => configured.Silos;

    /// <inheritdoc />
    public bool HasGroup(string group) => configured.HasGroup(group);

    /// <inheritdoc />
    public bool Contains(ReplicaKey replica) => configured.Contains(replica);

    /// <inheritdoc />
    public IReadOnlyList<int> InitialVoterIds(string group) => configured.InitialVoterIds(group);

    /// <inheritdoc />
    public int? ReplicaIdOf(string silo) => configured.ReplicaIdOf(silo);

    /// <inheritdoc />
    public IReadOnlyList<ReplicaMember> Members(string group)
        => _committed.TryGetValue(group, out var known) ? known.Members : configured.Members(group);

    /// <inheritdoc />
    public IReadOnlyList<int> VoterIds(string group)
        => _committed.TryGetValue(group, out var known) ? known.Voters : configured.VoterIds(group);

    /// <inheritdoc />
    public string SiloOf(ReplicaKey replica) => configured.SiloOf(replica);

    /// <inheritdoc />
    public IReadOnlyList<ReplicaKey> ReplicasOn(string silo)
    {
        var hosted = new List<ReplicaKey>(configured.ReplicasOn(silo));
        if (configured.ReplicaIdOf(silo) is not { } id) return hosted;
        foreach (var group in configured.Groups)
        {
            var key = new ReplicaKey(group, id);
            if (!hosted.Contains(key) && Members(group).Any(m => m.ReplicaId == id)) hosted.Add(key);
        }
        return hosted;
    }

    /// <summary>The log index of the newest committed configuration seen for <paramref name="group"/> (0: none yet).</summary>
    public long ConfigurationIndex(string group) => _committed.TryGetValue(group, out var known) ? known.Index : 0;

    /// <summary>
    /// Records that <paramref name="group"/>'s configuration at log index <paramref name="index"/> is committed with
    /// <paramref name="members"/>; an older one than already known is ignored (reports race across replicas).
    /// </summary>
    public void Observe(string group, long index, IReadOnlyList<ReplicaMember> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        if (!configured.HasGroup(group) || index <= 0 || members.Count == 0) return;
        var ordered = members.OrderBy(m => m.ReplicaId).ToArray();
        var entry = (index, (IReadOnlyList<ReplicaMember>)ordered, (IReadOnlyList<int>)ordered.Where(m => m.IsVoter).Select(m => m.ReplicaId).ToArray());
        _committed.AddOrUpdate(group, entry, (_, known) => known.Index >= index ? known : entry);
    }
}
