using RaftOrleans.Grains;

namespace RaftOrleans.Client.Snapshot;

/// <summary>The outcome of <c>raftkv snapshot save</c>: the saved file's position and checksum, or an error.</summary>
public sealed record SnapshotSaveResult
{
    /// <summary><see cref="KvStatusCode.Ok"/> when the file was saved.</summary>
    public required KvStatusCode Status { get; init; }
    /// <summary>Why it failed.</summary>
    public string? Message { get; init; }
    /// <summary>The file written (full path).</summary>
    public string File { get; init; } = "";
    /// <summary>The session the leader held, when one was started.</summary>
    public BackupSession? Session { get; init; }

    /// <summary>A failure.</summary>
    public static SnapshotSaveResult Failed(KvStatusCode status, string message) => new() { Status = status, Message = message };
}
