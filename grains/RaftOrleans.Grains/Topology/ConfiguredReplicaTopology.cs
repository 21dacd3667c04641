using System.Globalization;
using RaftOrleans.Grains.Hosting;
using RaftOrleans.Grains.Replica;

namespace RaftOrleans.Grains.Topology;

/// <summary>
/// The topology <see cref="RaftKeyValueOptions"/> describe: every group in
/// <see cref="RaftKeyValueOptions.Groups"/> starts with the voting replicas 1..<see cref="RaftKeyValueOptions.ReplicaCount"/>,
/// and replica <c>i</c> of every group lives on the silo named <c>{SiloNamePrefix}{i}</c> (for any i: a spare silo
/// <c>{SiloNamePrefix}{ReplicaCount + 1}</c> hosts replica <c>ReplicaCount + 1</c> once it is added). This class is
/// the only place that naming rule is written.
/// </summary>
/// <remarks>
/// It never throws on bad options (a replica count below 1 gives groups without members): it can be
/// built before <see cref="RaftKeyValueOptionsValidator"/> runs, which reports such options by name.
/// </remarks>
public sealed class ConfiguredReplicaTopology : IReplicaTopology
{
    private readonly HashSet<string> _groups = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyList<ReplicaKey>> _replicasOn = new(StringComparer.Ordinal);
    private readonly IReadOnlyList<ReplicaMember> _members;
    private readonly IReadOnlyList<int> _voterIds;
    private readonly string _prefix;

    /// <summary>Builds the topology from <paramref name="options"/>, read once: options are fixed for a silo's life.</summary>
    public ConfiguredReplicaTopology(RaftKeyValueOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _prefix = options.SiloNamePrefix;
        // One member list serves every group: the options give all groups the same replicas.
        _members = Enumerable.Range(1, Math.Max(0, options.ReplicaCount))
            .Select(i => new ReplicaMember(i, options.SiloNamePrefix + i.ToString(CultureInfo.InvariantCulture), IsVoter: true))
            .ToArray().AsReadOnly();
        _voterIds = _members.Where(m => m.IsVoter).Select(m => m.ReplicaId).ToArray().AsReadOnly();
        // Duplicate groups are the validator's to report; a topology that threw here would hide its message.
        var groups = new List<string>();
        foreach (var group in options.Groups)
        {
            if (_groups.Add(group)) groups.Add(group);
        }
        Groups = groups.AsReadOnly();
        Silos = groups.Count == 0 ? [] : _members.Select(m => m.Silo).Distinct(StringComparer.Ordinal).ToArray().AsReadOnly();
        foreach (var silo in Silos)
        {
            _replicasOn[silo] = groups
                .SelectMany(g => _members.Where(m => m.Silo == silo).Select(m => new ReplicaKey(g, m.ReplicaId)))
                .ToArray().AsReadOnly();
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<string> Groups { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> Silos { get; }

    /// <inheritdoc />
    public bool HasGroup(string group) => _groups.Contains(group);

    /// <inheritdoc />
    public bool Contains(ReplicaKey replica) => Find(replica) is not null;

    /// <inheritdoc />
    public IReadOnlyList<ReplicaMember> Members(string group) => HasGroup(group) ? _members : [];

    /// <inheritdoc />
    public IReadOnlyList<int> VoterIds(string group) => HasGroup(group) ? _voterIds : [];

    /// <inheritdoc />
    public string SiloOf(ReplicaKey replica)
        => Find(replica)?.Silo ?? throw new ArgumentException($"Replica '{replica}' is not configured: {this.Describe()}.", nameof(replica));

    /// <inheritdoc />
    public IReadOnlyList<ReplicaKey> ReplicasOn(string silo) => _replicasOn.TryGetValue(silo, out var replicas) ? replicas : [];

    /// <inheritdoc />
    public IReadOnlyList<int> InitialVoterIds(string group) => VoterIds(group);

    /// <inheritdoc />
    public int? ReplicaIdOf(string silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        if (!silo.StartsWith(_prefix, StringComparison.Ordinal)) return null;
        var digits = silo.AsSpan(_prefix.Length);
        // Canonical decimal only ("silo04" would name the silo of replica 4 twice).
        if (digits.Length == 0 || digits[0] == '0' || digits.ContainsAnyExceptInRange('0', '9')) return null;
        return int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;
    }

    /// <summary>Replica <paramref name="replica"/> of a served group: an initial member, or any other positive id
    /// (a replica that may be added), on the silo the naming rule gives it.</summary>
    private ReplicaMember? Find(ReplicaKey replica)
    {
        if (replica.Group is null || !HasGroup(replica.Group) || replica.Index < 1 || _members.Count == 0) return null;
        if (replica.Index <= _members.Count) return _members[replica.Index - 1];
        return new ReplicaMember(replica.Index, _prefix + replica.Index.ToString(CultureInfo.InvariantCulture), IsVoter: false);
    }
}
