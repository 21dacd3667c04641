using Microsoft.Extensions.Logging;

namespace RaftOrleans.Grains.Faults;

/// <summary>Log messages of the storage-stall test hook (event ids 900+, apart from the grains' catalogue).</summary>
internal static partial class StallLog
{
    [LoggerMessage(900, LogLevel.Warning, "Storage stall test hook is ON: writes wait while {ControlFile} exists")]
    public static partial void HookEnabled(ILogger logger, string controlFile);

    [LoggerMessage(901, LogLevel.Warning, "Storage write of {StateName} for {GrainId} stalls: {ControlFile} exists")]
    public static partial void WriteStalled(ILogger logger, string stateName, string grainId, string controlFile);

    [LoggerMessage(902, LogLevel.Warning, "Storage write of {StateName} for {GrainId} resumes after a {ElapsedMs:0} ms stall")]
    public static partial void WriteResumed(ILogger logger, string stateName, string grainId, double elapsedMs);
}
