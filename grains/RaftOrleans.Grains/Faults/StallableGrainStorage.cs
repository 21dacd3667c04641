using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Storage;

namespace RaftOrleans.Grains.Faults;

/// <summary>
/// TEST HOOK, off unless a silo is configured with <c>Faults:StorageStallFile</c>: an
/// <see cref="IGrainStorage"/> decorator that makes every write and clear wait while a control file
/// exists, as a disk whose fsync takes seconds does. Reads pass through, so a stalled replica still
/// activates. The process nemesis and <c>raftkv-bench stall</c> create the file on the leader's silo
/// and delete it to end the stall; nothing else in the product uses it.
/// </summary>
/// <remarks>
/// The check is one <see cref="File.Exists(string)"/> per write: a stat, negligible next to the
/// write itself, and only on a silo that enabled the hook.
/// </remarks>
public sealed class StallableGrainStorage(IGrainStorage inner, string controlFile, ILogger<StallableGrainStorage> logger) : IGrainStorage
{
    /// <summary>How often a stalled write looks again for the control file.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>The file whose presence stalls writes.</summary>
    public string ControlFile { get; } = controlFile;

    /// <inheritdoc />
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        => inner.ReadStateAsync(stateName, grainId, grainState);

    /// <inheritdoc />
    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await WaitWhileStalledAsync(stateName, grainId);
        await inner.WriteStateAsync(stateName, grainId, grainState);
    }

    /// <inheritdoc />
    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await WaitWhileStalledAsync(stateName, grainId);
        await inner.ClearStateAsync(stateName, grainId, grainState);
    }

    private async Task WaitWhileStalledAsync(string stateName, GrainId grainId)
    {
        if (!File.Exists(ControlFile)) return;
        var started = TimeProvider.System.GetTimestamp();
        StallLog.WriteStalled(logger, stateName, grainId.ToString(), ControlFile);
        while (File.Exists(ControlFile))
        {
            // Polling the control file is the stall itself: the write waits here as it would on a slow disk.
            await Task.Delay(PollInterval);
        }
        StallLog.WriteResumed(logger, stateName, grainId.ToString(), TimeProvider.System.GetElapsedTime(started).TotalMilliseconds);
    }
}
