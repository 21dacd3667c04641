namespace RaftOrleans.Grains.Diagnostics;

/// <summary>
/// One replica's state as the observable gauges report it: published by the replica from its own turn (so nothing
/// reads the Raft node from the exporter's thread) and replaced whole each time.
/// </summary>
/// <param name="Tags">The replica's tags (<c>raftkv.group</c>, <c>raftkv.replica</c>), shared with its counters.</param>
/// <param name="Term">Current term.</param>
/// <param name="Role">The role as a number: 0 follower, 1 pre-candidate, 2 candidate, 3 leader, 4 learner, 5 stopped
/// (see <see cref="RaftMetrics.RoleCode"/>).</param>
/// <param name="Leader">The leader's replica id as this replica knows it; 0 when unknown.</param>
/// <param name="Commit">Commit index.</param>
/// <param name="Applied">Applied index.</param>
/// <param name="FirstIndex">First index still in the log (after compaction).</param>
/// <param name="LastIndex">Last index in the log.</param>
/// <param name="SnapshotIndex">Index of the durable state-machine snapshot.</param>
/// <param name="Followers">On a leader, each other member's replica id and match index; empty elsewhere.</param>
public sealed record ReplicaGauges(
    KeyValuePair<string, object?>[] Tags, long Term, int Role, int Leader, long Commit, long Applied,
    long FirstIndex, long LastIndex, long SnapshotIndex, IReadOnlyList<(int Follower, long Match)> Followers);
