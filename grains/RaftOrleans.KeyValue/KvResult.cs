namespace RaftOrleans.KeyValue;

/// <summary>
/// The outcome of applying a command or serving a read.
/// <list type="bullet">
/// <item>Put / Cas / Increment <see cref="KvStatus.Ok"/>: <see cref="Value"/> is the value stored, <see cref="Revision"/> the new store revision.</item>
/// <item>Get <see cref="KvStatus.Ok"/>: the current value, its mod revision as <see cref="Revision"/>, and its
/// <see cref="CreateRevision"/> and <see cref="Version"/>.</item>
/// <item>Delete <see cref="KvStatus.Ok"/>: the deleted value; <see cref="Revision"/> is the delete's store revision.</item>
/// <item>Delete-range <see cref="KvStatus.Ok"/>: <see cref="Count"/> keys deleted; <see cref="Revision"/> the store
/// revision after it (unchanged when nothing matched).</item>
/// <item>Range <see cref="KvStatus.Ok"/>: <see cref="Entries"/> in key order (none when count-only), <see cref="Count"/>
/// keys matched in all, <see cref="More"/> when the limit cut the answer short, <see cref="Revision"/> the store
/// revision read (pass it back to read the next page at the same revision).</item>
/// <item>Txn <see cref="KvStatus.Ok"/>: <see cref="Succeeded"/> says which branch ran, <see cref="Responses"/> holds one
/// result per operation of it, <see cref="Revision"/> the store revision after it.</item>
/// <item>Watch <see cref="KvStatus.Ok"/>: <see cref="Events"/>, and <see cref="Revision"/> the revision they are complete through.</item>
/// <item>Lease grant <see cref="KvStatus.Ok"/>: <see cref="Lease"/> and <see cref="Ttl"/>. Lease revoke: <see cref="Count"/>
/// keys deleted, <see cref="Revision"/> the store revision after it. An unknown lease: <see cref="KvStatus.NotFound"/>.</item>
/// <item><see cref="KvStatus.NotFound"/>: no value, revision 0.</item>
/// <item><see cref="KvStatus.CasConflict"/>: the current value and revision (null and 0 if the key is absent).</item>
/// <item><see cref="KvStatus.BadInput"/>: <see cref="Message"/> says why.</item>
/// <item><see cref="KvStatus.Compacted"/>: <see cref="Revision"/> is the oldest revision still readable.</item>
/// </list>
/// </summary>
/// <param name="Status">How it ended.</param>
/// <param name="Value">The value, see above.</param>
/// <param name="Revision">The revision, see above.</param>
/// <param name="Message">A human-readable reason for <see cref="KvStatus.BadInput"/>.</param>
public readonly record struct KvResult(KvStatus Status, string? Value, long Revision, string? Message = null)
{
    /// <summary>A Get's create revision.</summary>
    public long CreateRevision { get; init; }

    /// <summary>A Get's version.</summary>
    public long Version { get; init; }

    /// <summary>A range's keys, in <see cref="KeyOrder"/>.</summary>
    public IReadOnlyList<KvEntry>? Entries { get; init; }

    /// <summary>Keys a range matched or a delete-range deleted.</summary>
    public long Count { get; init; }

    /// <summary>A range's limit left matching keys out.</summary>
    public bool More { get; init; }

    /// <summary>A transaction's compares all held.</summary>
    public bool Succeeded { get; init; }

    /// <summary>A transaction's results, one per operation of the branch that ran.</summary>
    public IReadOnlyList<KvResult>? Responses { get; init; }

    /// <summary>A watch's changes, oldest first (never cached in a session: a watch is a read).</summary>
    public IReadOnlyList<KvEvent>? Events { get; init; }

    /// <summary>A lease's id (grant, keep-alive, time-to-live).</summary>
    public long Lease { get; init; }

    /// <summary>A lease's time to live in seconds: as granted (grant, keep-alive), or what is left (time-to-live).</summary>
    public long Ttl { get; init; }

    /// <summary>A time-to-live answer's TTL as granted, in seconds.</summary>
    public long GrantedTtl { get; init; }

    /// <summary>The result for an absent key.</summary>
    public static KvResult NotFound => new(KvStatus.NotFound, null, 0);

    /// <summary>A <see cref="KvStatus.BadInput"/> result with a reason.</summary>
    public static KvResult BadInput(string message) => new(KvStatus.BadInput, null, 0, message);

    /// <summary>Value equality that also compares <see cref="Entries"/> and <see cref="Responses"/> element by element
    /// (the generated equality compares their references).</summary>
    public bool SameAs(KvResult other) =>
        Status == other.Status && Value == other.Value && Revision == other.Revision && Message == other.Message
        && CreateRevision == other.CreateRevision && Version == other.Version && Count == other.Count && More == other.More
        && Lease == other.Lease && Ttl == other.Ttl && GrantedTtl == other.GrantedTtl
        && Succeeded == other.Succeeded
        && (Entries ?? []).SequenceEqual(other.Entries ?? [])
        && (Events ?? []).SequenceEqual(other.Events ?? [])
        && (Responses ?? []).Count == (other.Responses ?? []).Count
        && (Responses ?? []).Zip(other.Responses ?? []).All(pair => pair.First.SameAs(pair.Second));
}
