namespace RaftOrleans.Grains.Backup;

/// <summary>A restore that must not proceed: the target already holds Raft state, or the backup does not fit this cluster.</summary>
public sealed class RestoreRefusedException(string message) : Exception(message);
