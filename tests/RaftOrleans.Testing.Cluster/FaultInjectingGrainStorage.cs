using Orleans.Runtime;
using Orleans.Storage;

namespace RaftOrleans.Testing.Cluster;

/// <summary>
/// An <see cref="IGrainStorage"/> that decorates the replicas' real (SQLite) storage on one silo and
/// injects the faults <see cref="StorageFaults"/> holds for that silo. With no fault set it only
/// forwards.
/// </summary>
public sealed class FaultInjectingGrainStorage(IGrainStorage inner, StorageFaults faults, string silo) : IGrainStorage
{
    /// <inheritdoc />
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await DelayAsync();
        await inner.ReadStateAsync(stateName, grainId, grainState);
    }

    /// <inheritdoc />
    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await DelayAsync();
        using var inFlight = faults.EnterWrite(silo);
        if (faults.TakeFailBeforeWrite(silo))
        {
            throw new StorageFaultException($"injected: write of {stateName} for {grainId} on {silo} failed before reaching storage");
        }
        await inner.WriteStateAsync(stateName, grainId, grainState);
        switch (faults.TakeAfterWrite(silo))
        {
            case StorageFaults.AfterWrite.Crash:
                throw new StorageFaultException($"injected: crash after the write of {stateName} for {grainId} on {silo} landed");
            case StorageFaults.AfterWrite.KillSilo:
                // The write is durable; the silo dies before its caller learns so. Wait for the kill so
                // the replica cannot act on the write (send, apply, reply) in the meantime.
                // Off this silo's threads, and bounded, so a kill that waits on this call cannot hang it.
                await Task.Run(() => faults.SiloKiller!(silo)).WaitAsync(TimeSpan.FromSeconds(30));
                throw new StorageFaultException($"injected: {silo} was killed after the write of {stateName} for {grainId} landed");
        }
    }

    /// <inheritdoc />
    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await DelayAsync();
        using var inFlight = faults.EnterWrite(silo);
        await inner.ClearStateAsync(stateName, grainId, grainState);
    }

    private Task DelayAsync()
    {
        var latency = faults.NextLatency(silo);
        return latency > TimeSpan.Zero ? Task.Delay(latency) : Task.CompletedTask;
    }
}

/// <summary>A storage fault injected by <see cref="FaultInjectingGrainStorage"/>.</summary>
public sealed class StorageFaultException(string message) : Exception(message);
