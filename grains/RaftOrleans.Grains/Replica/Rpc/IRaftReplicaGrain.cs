using Orleans.Concurrency;

namespace RaftOrleans.Grains;

/// <summary>
/// One Raft replica (grain key <c>"{group}/{index}"</c>), pinned to its own silo. Replica-to-replica
/// traffic is one-way: a reply is a message of its own, so a replica never waits on a peer and a
/// dead silo never blocks the others.
/// </summary>
[Alias("raftkv.IRaftReplicaGrain")]
public interface IRaftReplicaGrain : IGrainWithStringKey
{
    /// <summary>Delivers Raft messages from a peer. Fire-and-forget: a lost batch is a lost packet.</summary>
    [OneWay, Alias("Deliver")] Task Deliver(RaftEnvelope[] messages);

    /// <summary>Proposes an encoded key-value command; completes when it is applied, or at once when not leader.</summary>
    [Alias("Propose")] Task<ReplicaReply> Propose(byte[] command);

    /// <summary>Linearizable read through ReadIndex (leader only).</summary>
    [Alias("Read")] Task<ReplicaReply> Read(string key);

    /// <summary>Reads this replica's state machine without any consistency guarantee.</summary>
    [Alias("ReadStale")] Task<KvResponse> ReadStale(string key);

    /// <summary>Linearizable range read through ReadIndex (leader only).</summary>
    [Alias("ReadRange")] Task<ReplicaReply> ReadRange(RangeRequest request);

    /// <summary>
    /// Leader only: the changes to <paramref name="request"/>'s keys from <paramref name="fromRevision"/> on (0 = after
    /// now), answered as soon as there is one, or with none (a progress answer) after <paramref name="wait"/>.
    /// </summary>
    [Alias("Watch")] Task<ReplicaReply> Watch(RangeRequest request, long fromRevision, int maxEvents, TimeSpan wait);

    /// <summary>Leader only, after confirming leadership: restarts lease <paramref name="id"/>'s countdown.</summary>
    [Alias("LeaseKeepAlive")] Task<ReplicaReply> LeaseKeepAlive(long id);

    /// <summary>Leader only, after confirming leadership: lease <paramref name="id"/>'s remaining time and keys.</summary>
    [Alias("LeaseTimeToLive")] Task<ReplicaReply> LeaseTimeToLive(long id, bool keys);

    /// <summary>Reads a range from this replica's state machine without any consistency guarantee.</summary>
    [Alias("ReadRangeStale")] Task<KvResponse> ReadRangeStale(RangeRequest request);

    /// <summary>This replica's status.</summary>
    [Alias("GetStatus")] Task<ReplicaStatus> GetStatus();

    /// <summary>Activates the replica (used at silo start); does nothing else.</summary>
    [Alias("Wake")] Task Wake();

    /// <summary>
    /// Leader only: applies one membership change and completes once it is committed (an Ok response whose
    /// revision is the configuration's log index). Idempotent: a change already in force answers Ok at once, so a
    /// retry after a lost answer is safe. Waits while another change is in flight or a learner to promote catches up.
    /// </summary>
    [Alias("ChangeMembership")] Task<ReplicaReply> ChangeMembership(MembershipChange change);
    /// <summary>Asks the leader to hand leadership to <paramref name="target"/>.</summary>
    [Alias("TransferLeadership")] Task<ReplicaReply> TransferLeadership(int target);

    /// <summary>Leader only: confirms leadership, captures the applied state as a backup file and holds it.</summary>
    [Alias("BeginBackup")] Task<BackupReplicaReply> BeginBackup();

    /// <summary>Reads part of a backup file this replica holds.</summary>
    [Alias("ReadBackupChunk")] Task<BackupChunk> ReadBackupChunk(Guid session, long offset, int maxBytes);

    /// <summary>Drops a backup session.</summary>
    [Alias("EndBackup")] Task EndBackup(Guid session);
}
