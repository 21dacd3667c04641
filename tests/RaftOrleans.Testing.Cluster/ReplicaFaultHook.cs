using RaftOrleans.Consensus;
using RaftOrleans.Grains.Replica;

namespace RaftOrleans.Testing.Cluster;

/// <summary>
/// The test cluster's <see cref="IReplicaFaultHook"/>, one instance shared by every silo: pauses
/// replicas (a stop-the-world pause such as a long GC: the timer does not fire and the ready pump is
/// held, while messages and client requests queue up) and feeds every applied entry to the
/// <see cref="AppliedEntryLedger"/>. Thread-safe.
/// </summary>
public sealed class ReplicaFaultHook(AppliedEntryLedger ledger) : IReplicaFaultHook
{
    private readonly object _gate = new();
    private readonly Dictionary<int, TaskCompletionSource> _paused = [];

    /// <summary>The ledger applied entries go to.</summary>
    public AppliedEntryLedger Ledger => ledger;

    /// <summary>Pauses <paramref name="replica"/> (every group's replica with that index) until <see cref="Resume"/>.
    /// Returns false if it was already paused.</summary>
    public bool Pause(int replica)
    {
        lock (_gate) return _paused.TryAdd(replica, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
    }

    /// <summary>Lets <paramref name="replica"/> run again: it steps everything that queued while paused.
    /// Returns false if it was not paused.</summary>
    public bool Resume(int replica)
    {
        TaskCompletionSource? gate;
        lock (_gate)
        {
            if (!_paused.Remove(replica, out gate)) return false;
        }
        gate.SetResult();
        return true;
    }

    /// <summary>Resumes every paused replica.</summary>
    public void ResumeAll()
    {
        int[] paused;
        lock (_gate) paused = _paused.Keys.ToArray();
        foreach (var replica in paused) Resume(replica);
    }

    /// <summary>True while <paramref name="replica"/> is paused.</summary>
    public bool IsPaused(int replica)
    {
        lock (_gate) return _paused.ContainsKey(replica);
    }

    /// <inheritdoc />
    public bool TickFires(ReplicaKey replica) => !IsPaused(replica.Index);

    /// <inheritdoc />
    public ValueTask BeforeRoundAsync(ReplicaKey replica)
    {
        lock (_gate) return _paused.TryGetValue(replica.Index, out var gate) ? new ValueTask(gate.Task) : ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public void OnApplied(ReplicaKey replica, Entry entry) => ledger.Record(replica.Index, entry);
}
