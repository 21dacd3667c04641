namespace RaftOrleans.Consensus;

/// <summary>
/// What a snapshot covers: every entry up to and including <see cref="Index"/> (whose term is
/// <see cref="Term"/>), under the group configuration <see cref="Voters"/>. Index 0 means "no snapshot".
/// The configuration rides in the metadata (thesis §5.1) so that membership changes can later be restored
/// from a snapshot without the entries that made them.
/// </summary>
/// <param name="Index">Last log index the snapshot includes.</param>
/// <param name="Term">Term of the entry at <paramref name="Index"/>.</param>
/// <param name="Voters">Voting members' ids as of <paramref name="Index"/>, in increasing order.</param>
public sealed record SnapshotMetadata(long Index, long Term, IReadOnlyList<int> Voters)
{
    /// <summary>No snapshot: index 0, term 0, no voters.</summary>
    public static SnapshotMetadata None { get; } = new(0, 0, []);

    /// <summary>Each voter's storage incarnation in the group configuration as of <see cref="Index"/>, parallel to
    /// <see cref="Voters"/>; empty when no configuration entry had been written by then (or incarnations are off).
    /// Carried so that compaction never loses the configuration that governs.</summary>
    public IReadOnlyList<long> Incarnations { get; init; } = [];

    /// <summary>The whole group configuration as of <see cref="Index"/> (voters, learners, incarnations, locations),
    /// or null when none was written by then, or when the snapshot predates membership changes (then
    /// <see cref="Voters"/> and <see cref="Incarnations"/> are all it carries; see <see cref="RecordedConfiguration"/>).</summary>
    public GroupConfiguration? Configuration { get; init; }

    /// <summary>The configuration this snapshot records: <see cref="Configuration"/>, else the voters with their
    /// incarnations when those were recorded, else null (no configuration entry existed by <see cref="Index"/>).</summary>
    public GroupConfiguration? RecordedConfiguration => Configuration
        ?? (Incarnations.Count > 0 && Incarnations.Count == Voters.Count ? GroupConfiguration.OfVoters(Voters, Incarnations) : null);

    /// <summary>True for <see cref="None"/> (index 0).</summary>
    public bool IsEmpty => Index == 0;

    /// <summary>Value equality including the voter list (records compare lists by reference).</summary>
    public bool Equals(SnapshotMetadata? other)
        => other is not null && Index == other.Index && Term == other.Term && Voters.SequenceEqual(other.Voters)
            && Incarnations.SequenceEqual(other.Incarnations) && Equals(Configuration, other.Configuration);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Index, Term, Voters.Count);
}
