using Microsoft.Extensions.Logging;

namespace RaftOrleans.Grains.Diagnostics;

/// <summary>Log messages of backups (event ids 200-219).</summary>
internal static partial class Log
{
    [LoggerMessage(200, LogLevel.Information, "Replica {Replica} captured a backup at index {Index} term {Term}: {Bytes} bytes, {Keys} keys")]
    public static partial void BackupCaptured(ILogger logger, string replica, long index, long term, long bytes, int keys);

    [LoggerMessage(201, LogLevel.Information, "Replica {Replica} dropped backup session {Session} ({Why})")]
    public static partial void BackupDropped(ILogger logger, string replica, Guid session, string why);
}
