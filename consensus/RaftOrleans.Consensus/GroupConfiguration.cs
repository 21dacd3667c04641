namespace RaftOrleans.Consensus;

/// <summary>One member of a Raft group, as the group configuration records it.</summary>
/// <param name="Id">The replica id (positive, unique in the group).</param>
/// <param name="Incarnation">The incarnation of the member's storage (<see cref="RaftConfig.Incarnation"/>), or 0
/// while unknown (a learner the leader has not heard from yet): messages from any incarnation are accepted then.</param>
/// <param name="IsVoter">True for a voter (counts toward elections and commits), false for a learner (receives the
/// log, never votes or counts).</param>
/// <param name="Location">Where the member lives, opaque to the core (the Orleans driver records the silo name);
/// empty when the configuration came from a format that did not record it.</param>
public sealed record GroupMember(int Id, long Incarnation, bool IsVoter, string Location = "");

/// <summary>
/// The group configuration as data (issue #13): every member with its storage incarnation, whether it votes, and
/// where it lives. It is committed in the log as an <see cref="EntryType.Config"/> entry
/// (<see cref="ConfigurationCodec"/>) and carried in snapshots (<see cref="SnapshotMetadata.Configuration"/>);
/// the latest one in a replica's log governs it, committed or not (thesis §4.1). Immutable; members are kept in
/// increasing id order.
/// </summary>
public sealed class GroupConfiguration : IEquatable<GroupConfiguration>
{
    /// <summary>Creates a configuration of <paramref name="members"/> (any order; ids must be distinct and positive).</summary>
    /// <exception cref="ArgumentException">An id is repeated or not positive.</exception>
    public GroupConfiguration(IEnumerable<GroupMember> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        Members = members.OrderBy(m => m.Id).ToArray();
        if (Members.Any(m => m.Id <= 0)) throw new ArgumentException("Member ids must be positive.", nameof(members));
        for (var i = 1; i < Members.Count; i++)
        {
            if (Members[i].Id == Members[i - 1].Id) throw new ArgumentException($"Member {Members[i].Id} is listed twice.", nameof(members));
        }
        Voters = Members.Where(m => m.IsVoter).Select(m => m.Id).ToArray();
        Learners = Members.Where(m => !m.IsVoter).Select(m => m.Id).ToArray();
    }

    /// <summary>A configuration of voters only, with the given incarnations (parallel lists) and no locations.</summary>
    public static GroupConfiguration OfVoters(IReadOnlyList<int> voters, IReadOnlyList<long>? incarnations = null)
    {
        ArgumentNullException.ThrowIfNull(voters);
        if (incarnations is not null && incarnations.Count != voters.Count)
            throw new ArgumentException("Voters and incarnations must be parallel lists.", nameof(incarnations));
        return new GroupConfiguration(voters.Select((id, i) => new GroupMember(id, incarnations?[i] ?? 0, IsVoter: true)));
    }

    /// <summary>Every member, voters and learners, in increasing id order.</summary>
    public IReadOnlyList<GroupMember> Members { get; }

    /// <summary>The voters' ids, in increasing order.</summary>
    public IReadOnlyList<int> Voters { get; }

    /// <summary>The learners' ids, in increasing order.</summary>
    public IReadOnlyList<int> Learners { get; }

    /// <summary>The member with <paramref name="id"/>, or null.</summary>
    public GroupMember? Find(int id)
    {
        foreach (var m in Members)
        {
            if (m.Id == id) return m;
        }
        return null;
    }

    /// <summary>True when <paramref name="id"/> is a voter.</summary>
    public bool IsVoter(int id) => Find(id) is { IsVoter: true };

    /// <summary>True when <paramref name="id"/> is a voter or a learner.</summary>
    public bool IsMember(int id) => Find(id) is not null;

    /// <summary>This configuration with <paramref name="member"/> added, or replacing the member with its id.</summary>
    public GroupConfiguration With(GroupMember member) => new(Members.Where(m => m.Id != member.Id).Append(member));

    /// <summary>This configuration without member <paramref name="id"/>.</summary>
    public GroupConfiguration Without(int id) => new(Members.Where(m => m.Id != id));

    /// <summary>The voters' incarnations, parallel to <see cref="Voters"/>.</summary>
    public IReadOnlyList<long> VoterIncarnations => Members.Where(m => m.IsVoter).Select(m => m.Incarnation).ToArray();

    /// <inheritdoc />
    public bool Equals(GroupConfiguration? other) => other is not null && Members.SequenceEqual(other.Members);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as GroupConfiguration);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Members.Count, Voters.Count);

    /// <summary>For traces: voters and learners, e.g. <c>voters [1,2,3] learners [4]</c>.</summary>
    public override string ToString() => $"voters [{string.Join(",", Voters)}] learners [{string.Join(",", Learners)}]";
}
