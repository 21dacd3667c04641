namespace RaftOrleans.Bench.Soak;

/// <summary>One member's footprint at one moment: its process's RSS (null while it is not running) and its data directory's size.</summary>
public sealed record MemberSample
{
    /// <summary>Member name (silo1, etcd2, ...).</summary>
    public required string Member { get; init; }
    /// <summary>Resident set size in bytes (<c>VmRSS</c>), or null when the member's process is not running.</summary>
    public long? RssBytes { get; init; }
    /// <summary>Bytes of every file under the member's data directory.</summary>
    public long DiskBytes { get; init; }
}
