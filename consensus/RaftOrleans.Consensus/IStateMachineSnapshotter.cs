namespace RaftOrleans.Consensus;

/// <summary>
/// The driver's side of sending InstallSnapshot: when a follower needs entries the leader has compacted,
/// the leader asks the driver for a fresh, consistent image of its state machine. Given to
/// <see cref="RaftNode"/>'s constructor; a node without one cannot send snapshots (a follower behind the
/// compaction point then stays in <see cref="ProgressState.Snapshot"/> until the leader changes).
/// </summary>
public interface IStateMachineSnapshotter
{
    /// <summary>
    /// Serializes the state machine AT ITS APPLIED INDEX, synchronously (called on the node's logical thread,
    /// between inputs, so the state cannot change meanwhile). Cost is O(state); the node calls this only when
    /// a follower needs an install (at most once per leader term while a transfer uses the image), never on
    /// every write. The returned <see cref="SnapshotImage.Metadata"/> must carry the applied index; the node
    /// fills in its term (from the log) and the configuration, and rejects an image whose index it cannot
    /// vouch for (above its commit index, or below its first log index minus one). Return null when no image
    /// can be produced now (nothing applied yet).
    /// </summary>
    SnapshotImage? Capture();
}
