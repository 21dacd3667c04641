namespace RaftOrleans.Consensus;

/// <summary>
/// Read access to a replica's stable storage. The node reads; the driver writes (it appends the
/// entries of each <see cref="Ready"/> and saves its hard state), then calls
/// <see cref="RaftNode.Advance"/>. Contract, after the driver has persisted a Ready:
/// <list type="bullet">
/// <item><see cref="FirstIndex"/> is the first index still held (1 before any compaction);
/// entries below it were compacted into a snapshot whose last index is <c>FirstIndex - 1</c> (or an
/// installed snapshot ends there). The driver compacts only behind a durable snapshot that the state machine
/// has applied (<see cref="CompactionPolicy"/>), so a restarted node's applied index is at least
/// <c>FirstIndex - 1</c>.</item>
/// <item><see cref="LastIndex"/> is the last index held, or <c>FirstIndex - 1</c> if the log is empty.</item>
/// <item><see cref="Term"/> answers for every index in <c>[FirstIndex - 1, LastIndex]</c>: the entry at
/// <c>FirstIndex - 1</c> is the dummy entry at the compaction point, whose term is kept when its data is
/// dropped (etcd-io/raft storage.go), so the entry after it can still be checked (index 0 has term 0);
/// other indexes throw <see cref="ArgumentOutOfRangeException"/>.</item>
/// <item><see cref="Entries"/> returns entries <c>[low, high)</c>, all inside
/// <c>[FirstIndex, LastIndex + 1)</c>, stopping before the entry that would take the total
/// <see cref="Entry.Size"/> above <c>maxBytes</c> (but always at least one entry when the range is non-empty).</item>
/// </list>
/// The snapshot image itself is not read through this interface: a leader asks its
/// <see cref="IStateMachineSnapshotter"/> for a fresh one, and a follower hands a received one to its driver
/// in <see cref="Ready.Snapshot"/>.
/// </summary>
public interface IRaftLogStorage
{
    /// <summary>The persisted hard state (term, vote, commit) at start.</summary>
    HardState InitialState();
    /// <summary>Entries in <c>[low, high)</c>, limited by <paramref name="maxBytes"/>.</summary>
    IReadOnlyList<Entry> Entries(long low, long high, long maxBytes);
    /// <summary>The term of the entry at <paramref name="index"/>.</summary>
    long Term(long index);
    /// <summary>First index held.</summary>
    long FirstIndex();
    /// <summary>Last index held.</summary>
    long LastIndex();
}
