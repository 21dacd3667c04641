namespace RaftOrleans.Grains.Backup;

/// <summary>A backup file that is not one, or is damaged: wrong magic or version, truncated, or a checksum mismatch.</summary>
public sealed class BackupFormatException(string message) : Exception(message);
