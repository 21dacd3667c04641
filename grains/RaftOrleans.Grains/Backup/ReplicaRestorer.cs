using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Storage;
using RaftOrleans.Consensus;
using RaftOrleans.Grains.AdoNet;
using RaftOrleans.Grains.Hosting;
using RaftOrleans.Grains.Placement;
using RaftOrleans.Grains.Replica;
using RaftOrleans.Grains.Topology;
using RaftOrleans.KeyValue;

namespace RaftOrleans.Grains.Backup;

/// <summary>What a restore wrote.</summary>
/// <param name="Group">The group restored.</param>
/// <param name="Replica">The replica of that group this silo hosts.</param>
/// <param name="Index">The snapshot index (= commit index) the replica starts from.</param>
/// <param name="Term">The snapshot term (= the replica's current term).</param>
/// <param name="Keys">Keys in the restored state.</param>
public sealed record RestoreResult(string Group, int Replica, long Index, long Term, int Keys);

/// <summary>
/// Seeds one silo's empty Raft storage from a backup, offline, as <c>etcdutl snapshot restore</c> does
/// for a member of a NEW cluster: the silo's replica of the group gets the image as its snapshot at the
/// backup's index, hard state term = the snapshot's term, commit = its index, no vote, and an empty log
/// after it. Run once for every silo of the new cluster (each with the same file); the replicas then
/// agree on everything up to the index and elect a leader as usual.
/// </summary>
public static class ReplicaRestorer
{
    /// <summary>
    /// Restores <paramref name="contents"/> into the storage provider of <paramref name="services"/> (a
    /// built, NOT started, silo host with the Raft storage provider registered), for the replica of
    /// <paramref name="group"/> that <paramref name="topology"/> puts on <paramref name="siloName"/>. Throws
    /// <see cref="RestoreRefusedException"/> when the replica already has Raft state or the backup's voters
    /// are not this cluster's replicas; nothing is written then.
    /// </summary>
    public static async Task<RestoreResult> RestoreAsync(
        IServiceProvider services, RaftKeyValueOptions options, IReplicaTopology topology, string siloName, string group, BackupContents contents, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(topology);
        ArgumentNullException.ThrowIfNull(contents);
        if (!topology.HasGroup(group))
        {
            throw new RestoreRefusedException($"group '{group}' is not configured (groups: {string.Join(", ", topology.Groups)})");
        }
        var replica = topology.ReplicasOn(siloName).FirstOrDefault(r => r.Group == group).Index;
        if (replica == 0)
        {
            throw new RestoreRefusedException($"silo '{siloName}' hosts no replica of group '{group}': its replicas live on {string.Join(", ", topology.Members(group).Select(m => m.Silo).Distinct())}");
        }
        // A restore seeds a new group of the configured initial voters; the backup's own voters (after membership
        // changes, any ids) only have to be as many, so the restored group tolerates the same failures.
        var configured = topology.InitialVoterIds(group);
        if (contents.Voters.Count != configured.Count)
        {
            throw new RestoreRefusedException($"the backup's group had voters [{string.Join(", ", contents.Voters)}], this cluster is configured with replicas [{string.Join(", ", configured)}]; restore into a cluster of the same size");
        }
        // The data must decode before anything is written: a restored replica that cannot load its
        // snapshot would fail at every activation.
        int keys;
        try
        {
            keys = KeyValueStateMachine.Restore(contents.Data.ToArray()).Count;
        }
        catch (Exception e) when (e is FormatException or InvalidDataException or ArgumentException or IndexOutOfRangeException or EndOfStreamException)
        {
            throw new BackupFormatException($"the backup's state data does not decode: {e.Message}");
        }

        var storage = services.GetRequiredKeyedService<IGrainStorage>(options.StorageProviderName);
        await StartStorageAsync(services, storage, cancellationToken);
        var grainId = GrainId.Create(ReplicaAddressCache.ReplicaGrainTypeName, new ReplicaKey(group, replica).ToString());
        var store = new ReplicaLogStore(storage, grainId, options.LogChunkEntries, options.SnapshotPartBytes, configured,
            writeGate: SqliteWriteGate.For(services, options.StorageProviderName));
        await store.LoadAsync();
        var memory = store.Memory;
        if (memory.LastIndex() != 0 || memory.HardState.Term != 0 || memory.HardState.Commit != 0 || store.DurableSnapshotIndex != 0)
        {
            throw new RestoreRefusedException(
                $"replica {group}/{replica} of silo '{siloName}' already has Raft state (term {memory.HardState.Term}, commit {memory.HardState.Commit}, last index {memory.LastIndex()}); restore seeds a NEW cluster: use an empty data directory");
        }

        var metadata = new SnapshotMetadata(contents.Index, contents.Term, configured);
        // The same install a follower does for InstallSnapshot: base generation + manifest at the
        // index, head row with compaction point = (index, term), commit = index, and term = the
        // snapshot's (a replica's term is never below its log's last term), no vote.
        await store.InstallSnapshotAsync(new SnapshotImage(metadata, contents.Data));
        await store.ChunkDeletes;
        return new RestoreResult(group, replica, contents.Index, contents.Term, keys);
    }

    private static async Task StartStorageAsync(IServiceProvider services, IGrainStorage storage, CancellationToken cancellationToken)
    {
        var lifecycle = new OfflineSiloLifecycle();
        // The back end's initializers are what a silo runs first (SQLite: the schema); with PostgreSQL there
        // is none (`raftkv-silo migrate` creates that schema) and the provider reports a missing one itself.
        foreach (var initializer in services.GetServices<IRaftStorageInitializer>()) initializer.Participate(lifecycle);
        if (storage is ILifecycleParticipant<ISiloLifecycle> participant) participant.Participate(lifecycle);
        await lifecycle.StartAsync(cancellationToken);
    }
}
