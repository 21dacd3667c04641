namespace RaftOrleans.Grains;

/// <summary>
/// The gateway to one Raft group (grain key = group name). Routes every request to the group's
/// leader, follows redirects and retries with the same session sequence until a deadline, so a
/// retried write applies exactly once. Stateless: any silo can serve it.
/// </summary>
[Alias("raftkv.IKeyValueGrain")]
public interface IKeyValueGrain : IGrainWithStringKey
{
    /// <summary>Sets <paramref name="key"/> to <paramref name="value"/>.</summary>
    [Alias("Put")] Task<KvResponse> Put(string key, string value);
    /// <summary>Sets <paramref name="key"/> to <paramref name="value"/>, attached to <paramref name="lease"/> (0 = none): the key is
    /// deleted when the lease ends.</summary>
    [Alias("PutLeased")] Task<KvResponse> PutLeased(string key, string value, long lease);
    /// <summary>Grants a lease of <paramref name="ttl"/> seconds with id <paramref name="id"/> (0 = the next free one).</summary>
    [Alias("LeaseGrant")] Task<KvResponse> LeaseGrant(long ttl, long id = 0);
    /// <summary>Ends lease <paramref name="id"/> now and deletes its keys; NotFound for an unknown lease.</summary>
    [Alias("LeaseRevoke")] Task<KvResponse> LeaseRevoke(long id);
    /// <summary>Restarts lease <paramref name="id"/>'s countdown at the leader; NotFound once it has ended.</summary>
    [Alias("LeaseKeepAlive")] Task<KvResponse> LeaseKeepAlive(long id);
    /// <summary>Lease <paramref name="id"/>'s remaining and granted time to live, and with <paramref name="keys"/> its keys.</summary>
    [Alias("LeaseTimeToLive")] Task<KvResponse> LeaseTimeToLive(long id, bool keys = false);
    /// <summary>Reads <paramref name="key"/>; linearizable unless <paramref name="stale"/> (then any replica may answer).</summary>
    [Alias("Get")] Task<KvResponse> Get(string key, bool stale = false);
    /// <summary>Deletes <paramref name="key"/>.</summary>
    [Alias("Delete")] Task<KvResponse> Delete(string key);
    /// <summary>Sets <paramref name="key"/> to <paramref name="newValue"/> if <paramref name="condition"/> holds.</summary>
    [Alias("Cas")] Task<KvResponse> CompareAndSwap(string key, CasCondition condition, string newValue);
    /// <summary>Reads the keys of <paramref name="request"/> in key order; linearizable unless it is serializable.</summary>
    [Alias("Range")] Task<KvResponse> Range(RangeRequest request);
    /// <summary>Deletes every key of <paramref name="request"/> (a prefix or an interval); answers how many.</summary>
    [Alias("DeleteRange")] Task<KvResponse> DeleteRange(RangeRequest request);
    /// <summary>Runs a transaction: compares, then one branch, at one store revision.</summary>
    [Alias("Txn")] Task<KvResponse> Txn(TxnRequest request);
    /// <summary>
    /// One poll of a watch: the leader's changes to <paramref name="request"/>'s keys from <paramref name="fromRevision"/>
    /// on (0 = changes after now), as soon as there are some, or none after a few seconds. Poll again from one past the
    /// answer's <see cref="KvResponse.Revision"/>: no change is missed or repeated, across leader changes too.
    /// <see cref="KvStatusCode.Compacted"/> when the leader no longer holds changes that old.
    /// Use <see cref="IRaftKeyValueStore.WatchAsync"/> rather than polling by hand.
    /// </summary>
    [Alias("Watch")] Task<KvResponse> Watch(RangeRequest request, long fromRevision, int maxEvents = 1000);
    /// <summary>Adds <paramref name="delta"/> to the integer <paramref name="key"/> holds (absent = 0); answers the new value.</summary>
    [Alias("Increment")] Task<KvResponse> Increment(string key, long delta = 1);
    /// <summary>
    /// Applies one membership change at the leader (routed, retried until the request deadline) and answers once it
    /// is committed: Ok with the configuration's log index as revision, BadInput for a change that makes no sense
    /// (the message says why), Unavailable when no leader could do it in time.
    /// </summary>
    [Alias("ChangeMembership")] Task<KvResponse> ChangeMembership(MembershipChange change);
    /// <summary>Asks the leader to hand leadership to replica <paramref name="target"/> (a voter).</summary>
    [Alias("MoveLeader")] Task<KvResponse> MoveLeader(int target);
    /// <summary>Every replica's status, as far as it can be reached within a short deadline.</summary>
    [Alias("Status")] Task<GroupStatus> Status();

    /// <summary>
    /// Starts a backup: the leader confirms its leadership (a ReadIndex round), captures its applied
    /// state and holds it as an encoded backup file for download with <see cref="ReadBackupChunk"/>.
    /// </summary>
    [Alias("BeginBackup")] Task<BackupBeginResult> BeginBackup();
    /// <summary>Reads up to <paramref name="maxBytes"/> bytes of a backup file from <paramref name="offset"/>.</summary>
    [Alias("ReadBackupChunk")] Task<BackupChunk> ReadBackupChunk(int replica, Guid session, long offset, int maxBytes);
    /// <summary>Releases a backup session (the replica also drops it when idle).</summary>
    [Alias("EndBackup")] Task EndBackup(int replica, Guid session);
}
