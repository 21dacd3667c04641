namespace RaftOrleans.Grains;

/// <summary>
/// The answer to one key-value request. Which fields are set depends on the request:
/// <list type="bullet">
/// <item>get: <see cref="Value"/>, <see cref="Revision"/> (the key's mod revision), <see cref="CreateRevision"/>, <see cref="Version"/>;</item>
/// <item>put, delete, compare-and-swap, increment: <see cref="Revision"/> is the store revision the write made;</item>
/// <item>range: <see cref="Items"/>, <see cref="Count"/>, <see cref="More"/>, and <see cref="Revision"/> the store
/// revision read (pass it back to read the next page at the same revision);</item>
/// <item>delete-range: <see cref="Count"/> keys deleted;</item>
/// <item>transaction: <see cref="Succeeded"/>, <see cref="Responses"/> (one per operation of the branch that ran);</item>
/// <item>watch poll: <see cref="Events"/>, and <see cref="Revision"/> the revision they are complete through;</item>
/// <item>lease grant and keep-alive: <see cref="Lease"/>, <see cref="Ttl"/>; time-to-live: also <see cref="GrantedTtl"/>
/// and the attached keys as <see cref="Items"/>; revoke: <see cref="Count"/> keys deleted.</item>
/// </list>
/// </summary>
[GenerateSerializer, Immutable, Alias("raftkv.KvResponse")]
public sealed record KvResponse
{
    /// <summary>Outcome.</summary>
    [Id(0)] public required KvStatusCode Status { get; init; }
    /// <summary>The value read (get), or the current value on a CAS conflict.</summary>
    [Id(1)] public string? Value { get; init; }
    /// <summary>A store revision, see the type's summary (0 when absent).</summary>
    [Id(2)] public long Revision { get; init; }
    /// <summary>Human-readable detail for errors.</summary>
    [Id(3)] public string? Message { get; init; }
    /// <summary>A get's create revision: the store revision that created the key.</summary>
    [Id(4)] public long CreateRevision { get; init; }
    /// <summary>A get's version: writes since the key was created.</summary>
    [Id(5)] public long Version { get; init; }
    /// <summary>A range's keys, in key order (UTF-8 byte order).</summary>
    [Id(6)] public IReadOnlyList<KeyValueItem>? Items { get; init; }
    /// <summary>Keys a range matched (all of them, whatever its limit) or a delete-range deleted.</summary>
    [Id(7)] public long Count { get; init; }
    /// <summary>A range's limit left matching keys out.</summary>
    [Id(8)] public bool More { get; init; }
    /// <summary>A transaction's compares all held, so its success branch ran.</summary>
    [Id(9)] public bool Succeeded { get; init; }
    /// <summary>A transaction's results, one per operation of the branch that ran.</summary>
    [Id(10)] public IReadOnlyList<KvResponse>? Responses { get; init; }
    /// <summary>A watch poll's changes, oldest first; <see cref="Revision"/> is the revision they are complete through.</summary>
    [Id(11)] public IReadOnlyList<WatchEvent>? Events { get; init; }
    /// <summary>A lease's id (grant, keep-alive, time-to-live, revoke).</summary>
    [Id(12)] public long Lease { get; init; }
    /// <summary>A lease's time to live in seconds: as granted (grant, keep-alive) or what is left (time-to-live).</summary>
    [Id(13)] public long Ttl { get; init; }
    /// <summary>A time-to-live answer's TTL as granted, in seconds.</summary>
    [Id(14)] public long GrantedTtl { get; init; }

    /// <summary>True when <see cref="Status"/> is <see cref="KvStatusCode.Ok"/>.</summary>
    public bool IsOk => Status == KvStatusCode.Ok;

    /// <summary>A bad-input response with a message.</summary>
    public static KvResponse BadInput(string message) => new() { Status = KvStatusCode.BadInput, Message = message };
    /// <summary>An unavailable response with a message.</summary>
    public static KvResponse Unavailable(string message) => new() { Status = KvStatusCode.Unavailable, Message = message };
}
