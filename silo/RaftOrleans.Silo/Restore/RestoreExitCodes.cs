namespace RaftOrleans.Silo.Restore;

/// <summary>Exit codes of <c>raftkv-silo restore</c> beyond the common <see cref="SiloExitCodes"/> (0 ok, 2 bad configuration, 3 data directory unusable).</summary>
public static class RestoreExitCodes
{
    /// <summary>The backup file is missing, not a backup, truncated or damaged (checksum); nothing was written.</summary>
    public const int InvalidBackup = 6;
    /// <summary>The replica already has Raft state, or the backup does not fit this cluster; nothing was written.</summary>
    public const int Refused = 7;
    /// <summary>Writing the restored state failed (storage error).</summary>
    public const int WriteFailed = 1;
}
