using RaftOrleans.Consensus;
using RaftOrleans.Grains.Backup;
using RaftOrleans.Grains.Diagnostics;
using RaftOrleans.KeyValue;

namespace RaftOrleans.Grains.Replica;

/// <summary>
/// Backups (<c>raftkv snapshot save</c>): the leader confirms it still leads with a ReadIndex round,
/// captures its applied state (committed by definition, and at or past the read index, so it holds
/// every write acknowledged before the backup began), encodes it as a complete backup file and holds
/// it while the client pulls it in bounded chunks. The image is immutable once captured, so the
/// download may continue even if this replica loses leadership meanwhile: the file is still a
/// committed state of the group as of the capture.
/// </summary>
internal sealed partial class RaftReplicaGrain
{
    /// <summary>The most bytes one chunk call returns (the client asks for at most this).</summary>
    internal const int MaxBackupChunkBytes = 1 << 20;

    /// <summary>A session not read from for this long is dropped (a client that vanished).</summary>
    internal static readonly TimeSpan BackupSessionIdleTimeout = TimeSpan.FromMinutes(2);

    /// <summary>Images held at once: each is O(state) memory.</summary>
    private const int MaxBackupSessions = 2;

    private readonly Dictionary<Guid, HeldBackup> _backups = [];

    /// <inheritdoc />
    public async Task<BackupReplicaReply> BeginBackup()
    {
        if (_stopped) return new BackupReplicaReply { Reply = NotLeader("replica stopped") };
        if (_siloStopping) return new BackupReplicaReply { Reply = SiloStopping() };
        if (_node.Role != StateRole.Leader) return new BackupReplicaReply { Reply = NotLeader("not leader") };
        if (_backups.Count >= MaxBackupSessions)
        {
            return new BackupReplicaReply
            {
                Reply = new ReplicaReply { Response = KvResponse.Unavailable($"replica {_key.Index} already holds {_backups.Count} backups; retry when one finishes (idle ones expire after {BackupSessionIdleTimeout.TotalMinutes:0} min)") },
            };
        }

        // Linearizable: a deposed leader that does not know it yet cannot confirm a read index, so it
        // cannot hand out a backup that misses writes a newer leader acknowledged.
        var confirmed = await ConfirmLeadershipAsync();
        if (confirmed.NotLeader) return new BackupReplicaReply { Reply = confirmed };

        var contents = CaptureBackupContents();
        var file = BackupFileFormat.Encode(contents);
        var session = new BackupSession
        {
            SessionId = Guid.NewGuid(),
            Replica = _key.Index,
            Index = contents.Index,
            Term = contents.Term,
            Voters = contents.Voters,
            TotalBytes = file.Length,
            Sha256 = BackupFileFormat.ChecksumHex(file),
            Keys = _stateMachine.Count,
        };
        var held = new HeldBackup(file);
        held.Expiry = this.RegisterGrainTimer(() => DropBackup(session.SessionId, "idle"), new GrainTimerCreationOptions(BackupSessionIdleTimeout, Timeout.InfiniteTimeSpan)
        {
            Interleave = true,
        });
        _backups[session.SessionId] = held;
        Log.BackupCaptured(_logger, _name, session.Index, session.Term, session.TotalBytes, session.Keys);
        return new BackupReplicaReply
        {
            Reply = new ReplicaReply { Response = new KvResponse { Status = KvStatusCode.Ok, Revision = contents.Index } },
            Session = session,
        };
    }

    /// <inheritdoc />
    public Task<BackupChunk> ReadBackupChunk(Guid session, long offset, int maxBytes)
    {
        if (!_backups.TryGetValue(session, out var held))
        {
            return Task.FromResult(new BackupChunk { Status = KvStatusCode.Unavailable, Message = $"replica {_key.Index} holds no backup session {session} (expired, finished, or the replica restarted); start the backup again" });
        }
        if (offset < 0 || maxBytes <= 0)
        {
            return Task.FromResult(new BackupChunk { Status = KvStatusCode.BadInput, Message = "offset must be >= 0 and the chunk size positive" });
        }
        held.Expiry?.Change(BackupSessionIdleTimeout, Timeout.InfiniteTimeSpan);
        var start = (int)Math.Min(offset, held.File.Length);
        var count = Math.Min(Math.Min(maxBytes, MaxBackupChunkBytes), held.File.Length - start);
        return Task.FromResult(new BackupChunk { Status = KvStatusCode.Ok, Data = held.File.AsSpan(start, count).ToArray() });
    }

    /// <inheritdoc />
    public Task EndBackup(Guid session) => DropBackup(session, "finished");

    private Task DropBackup(Guid session, string why)
    {
        if (_backups.Remove(session, out var held))
        {
            held.Expiry?.Dispose();
            Log.BackupDropped(_logger, _name, session, why);
        }
        return Task.CompletedTask;
    }

    /// <summary>One ReadIndex round through the ordinary read path; NotLeader if it cannot complete.</summary>
    private async Task<ReplicaReply> ConfirmLeadershipAsync()
    {
        var waiter = new TaskCompletionSource<ReplicaReply>(TaskCreationOptions.RunContinuationsAsynchronously);
        // Only the confirmation matters: the read answers nothing anyone looks at.
        _readQueue.Add((machine => new KvResult(KvStatus.Ok, null, machine.Revision), waiter));
        Kick();
        try
        {
            // Leadership loss fails every read waiter; the deadline only guards against a replica
            // that stays leader without a quorum longer than a client would wait anyway.
            return await waiter.Task.WaitAsync(_options.RequestTimeout);
        }
        catch (TimeoutException)
        {
            return NotLeader($"leadership not confirmed within {_options.RequestTimeout.TotalSeconds:0.#} s");
        }
    }

    /// <summary>
    /// The applied state with its position, from the same snapshotter InstallSnapshot uses (<see cref="AppliedRequests{TWaiter}.Capture"/>)
    /// (one rule for what an image holds), stamped like the core stamps it: the term of the applied
    /// index from the log (applied is never below the compaction point, whose term the log keeps) and
    /// the group's voters. Nothing applied yet: an empty state at index 0.
    /// </summary>
    private BackupContents CaptureBackupContents()
    {
        var voters = _topology.VoterIds(_key.Group);
        if (_requests.Capture() is not { } image) return new BackupContents(0, 0, voters, new KeyValueStateMachine().Snapshot());
        var index = image.Metadata.Index;
        return new BackupContents(index, _store.Memory.Term(index), voters, image.Data);
    }

    private sealed class HeldBackup(byte[] file)
    {
        public byte[] File { get; } = file;
        public IGrainTimer? Expiry { get; set; }
    }
}
