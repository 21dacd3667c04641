namespace RaftOrleans.Grains;

/// <summary>The answer to one key-value request.</summary>
[GenerateSerializer, Immutable, Alias("raftkv.KvResponse")]
public sealed record KvResponse
{
    /// <summary>Outcome.</summary>
    [Id(0)] public required KvStatusCode Status { get; init; }
    /// <summary>The value read (get), or the current value on a CAS conflict.</summary>
    [Id(1)] public string? Value { get; init; }
    /// <summary>The key's revision: the log index that last wrote it (0 when absent).</summary>
    [Id(2)] public long Revision { get; init; }
    /// <summary>Human-readable detail for errors.</summary>
    [Id(3)] public string? Message { get; init; }

    /// <summary>True when <see cref="Status"/> is <see cref="KvStatusCode.Ok"/>.</summary>
    public bool IsOk => Status == KvStatusCode.Ok;

    /// <summary>A bad-input response with a message.</summary>
    public static KvResponse BadInput(string message) => new() { Status = KvStatusCode.BadInput, Message = message };
    /// <summary>An unavailable response with a message.</summary>
    public static KvResponse Unavailable(string message) => new() { Status = KvStatusCode.Unavailable, Message = message };
}
