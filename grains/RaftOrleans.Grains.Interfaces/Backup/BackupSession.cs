namespace RaftOrleans.Grains;

/// <summary>
/// A backup the leader captured and holds for download: a committed, applied image of the group at
/// <see cref="Index"/>, already encoded as a complete backup file of <see cref="TotalBytes"/> bytes
/// whose last 32 bytes are the SHA-256 of the rest (<see cref="Sha256"/>). The client pulls it with
/// <see cref="IKeyValueGrain.ReadBackupChunk"/> from <see cref="Replica"/>, which holds the session.
/// </summary>
[GenerateSerializer, Immutable, Alias("raftkv.BackupSession")]
public sealed record BackupSession
{
    /// <summary>The session id the replica knows the image by.</summary>
    [Id(0)] public Guid SessionId { get; init; }
    /// <summary>The replica (the leader at capture time) holding the image.</summary>
    [Id(1)] public int Replica { get; init; }
    /// <summary>Last log index the image includes.</summary>
    [Id(2)] public long Index { get; init; }
    /// <summary>Term of the entry at <see cref="Index"/>.</summary>
    [Id(3)] public long Term { get; init; }
    /// <summary>The group's voters at <see cref="Index"/>.</summary>
    [Id(4)] public IReadOnlyList<int> Voters { get; init; } = [];
    /// <summary>Length of the whole backup file.</summary>
    [Id(5)] public long TotalBytes { get; init; }
    /// <summary>Lower-case hex SHA-256 of the file's bytes before the trailer (equal to the trailer).</summary>
    [Id(6)] public string Sha256 { get; init; } = "";
    /// <summary>Keys in the image.</summary>
    [Id(7)] public int Keys { get; init; }
}

/// <summary>The answer to <see cref="IKeyValueGrain.BeginBackup"/>: a session, or why there is none.</summary>
[GenerateSerializer, Immutable, Alias("raftkv.BackupBeginResult")]
public sealed record BackupBeginResult
{
    /// <summary><see cref="KvStatusCode.Ok"/> with a <see cref="Session"/>, or the reason there is none.</summary>
    [Id(0)] public required KvStatusCode Status { get; init; }
    /// <summary>The session, when <see cref="Status"/> is <see cref="KvStatusCode.Ok"/>.</summary>
    [Id(1)] public BackupSession? Session { get; init; }
    /// <summary>Detail for errors.</summary>
    [Id(2)] public string? Message { get; init; }
}

/// <summary>One piece of a backup file.</summary>
[GenerateSerializer, Immutable, Alias("raftkv.BackupChunk")]
public sealed record BackupChunk
{
    /// <summary><see cref="KvStatusCode.Ok"/>, or <see cref="KvStatusCode.Unavailable"/> when the session is gone (expired, replica restarted).</summary>
    [Id(0)] public required KvStatusCode Status { get; init; }
    /// <summary>The bytes from the requested offset (empty at or past the end).</summary>
    [Id(1)] public byte[] Data { get; init; } = [];
    /// <summary>Detail for errors.</summary>
    [Id(2)] public string? Message { get; init; }
}
