using RaftOrleans.Consensus;

namespace RaftOrleans.Grains.Replica;

/// <summary>
/// An optional test hook into every replica of a silo, for the faults a grain call filter cannot
/// inject (a stop-the-world pause holds a replica's timer and its already-queued work, not just its
/// calls) and for watching what replicas apply. Register one as a singleton in a silo's services;
/// production registers none, and a replica without a hook pays one null check per pump round.
/// Members are called on the replica's activation: they must be fast and must not call grains.
/// </summary>
public interface IReplicaFaultHook
{
    /// <summary>
    /// Whether a timer tick of <paramref name="replica"/> counts. Returning false emulates a process
    /// that is not running: its timer does not fire, so when it runs again it believes little time
    /// has passed (no clock tells it otherwise) — the hard case for a leader asked for a read.
    /// </summary>
    bool TickFires(ReplicaKey replica);

    /// <summary>
    /// Awaited by <paramref name="replica"/>'s ready pump before each round. A task that completes
    /// later holds the replica: messages and client requests that arrive meanwhile queue up and are
    /// stepped together once it completes, as when a paused process wakes.
    /// </summary>
    ValueTask BeforeRoundAsync(ReplicaKey replica);

    /// <summary>Called as <paramref name="replica"/> applies each committed entry, in index order.</summary>
    void OnApplied(ReplicaKey replica, Entry entry);
}
