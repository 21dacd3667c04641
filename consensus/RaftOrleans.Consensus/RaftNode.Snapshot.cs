namespace RaftOrleans.Consensus;

public sealed partial class RaftNode
{
    /// <summary>Leader: the image captured for followers behind the compaction point, shared by every transfer
    /// of this term that can use it; dropped when no transfer uses it (and on any role change).</summary>
    private SnapshotImage? leaderImage;

    /// <summary>Follower: the snapshot being received, buffered in memory only (a crash restarts the transfer).</summary>
    private IncomingSnapshot? incoming;

    /// <summary>Moves <paramref name="to"/> to Snapshot state and sends the first chunks. Returns false (and
    /// stays in Probe) when no image can be produced now.</summary>
    private bool StartSnapshot(int to, Progress pr)
    {
        var image = CurrentImage();
        if (image is null) return false;
        pr.BecomeSnapshot(image);
        SendSnapshotChunks(to, pr);
        return true;
    }

    /// <summary>
    /// The image to send: the cached one while the log still holds the entries after it (so the follower can
    /// continue with appends), else a fresh capture of the state machine at its applied index, stamped with
    /// that index's term and the current configuration.
    /// </summary>
    private SnapshotImage? CurrentImage()
    {
        if (leaderImage is { } cached && cached.Metadata.Index >= log.FirstIndex - 1) return cached;
        leaderImage = null;
        var captured = snapshotter?.Capture();
        if (captured is null) return null;
        var index = captured.Metadata.Index;
        // Only an applied (hence committed) index whose term the log still knows can be vouched for.
        if (index > log.Committed || !log.TryTerm(index, out var term) || index == 0) return null;
        leaderImage = captured with { Metadata = SnapshotMetadataAt(index) };
        return leaderImage;
    }

    /// <summary>Sends chunks from the transfer's next offset until the in-flight window is full or the image is sent.</summary>
    private void SendSnapshotChunks(int to, Progress pr)
    {
        var image = pr.Snapshot!;
        var total = image.Data.Length;
        while (!pr.SnapshotAllSent && !pr.SnapshotChunks.Full)
        {
            var offset = pr.SnapshotSent;
            var length = (int)Math.Min(config.MaxSnapshotChunkBytes, total - offset);
            var end = offset + length;
            var last = end == total;
            Send(new Message
            {
                Type = MessageType.Snapshot, From = Id, To = to, Term = Term,
                Index = image.Metadata.Index, LogTerm = image.Metadata.Term, Voters = image.Metadata.Voters,
                Incarnations = image.Metadata.Incarnations, Configuration = image.Metadata.Configuration,
                Offset = offset, Data = image.Data.Slice((int)offset, length), Done = last, TotalBytes = total,
                Commit = log.Committed,
            });
            pr.SentSnapshotChunk(end, last);
        }
    }

    /// <summary>Leader clock for transfers: one that made no progress for
    /// <see cref="RaftConfig.SnapshotResendTicks"/> re-sends from the last acknowledged offset.</summary>
    private void TickSnapshotTransfers()
    {
        foreach (var (id, pr) in progress)
        {
            if (pr.State != ProgressState.Snapshot) continue;
            if (++pr.SnapshotIdleTicks < config.SnapshotResendTicks) continue;
            pr.RewindSnapshot(pr.SnapshotAcked);
            SendSnapshotChunks(id, pr);
        }
    }

    private void HandleSnapshotResponse(Message m)
    {
        if (!progress.TryGetValue(m.From, out var pr)) return;
        pr.RecentActive = true;
        if (m.Done)
        {
            // The follower holds a durable snapshot ending at m.Index (or already had everything it covers):
            // a committed prefix of our log, so its log matches ours up to there.
            if (pr.State == ProgressState.Snapshot)
            {
                pr.SnapshotInstalled(m.Index);
                ReleaseUnusedImage();
            }
            else
            {
                pr.MaybeUpdate(m.Index);
            }
            SendAppend(m.From, sendIfEmpty: true);
            return;
        }
        if (pr.State != ProgressState.Snapshot || pr.Snapshot!.Metadata.Index != m.Index) return; // another transfer's
        if (m.Offset < pr.SnapshotAcked)
        {
            // The follower lost its buffer (it restarted) or an old ack overtook newer ones: resume from what it
            // says it has; a stale ack costs a few chunks the follower will ack past again.
            pr.RewindSnapshot(m.Offset);
        }
        else if (m.Offset > pr.Snapshot.Data.Length)
        {
            return;
        }
        else
        {
            pr.SnapshotAcknowledged(m.Offset);
        }
        SendSnapshotChunks(m.From, pr);
    }

    private void AbortSnapshot(Progress pr)
    {
        pr.AbortSnapshot();
        ReleaseUnusedImage();
    }

    /// <summary>Drops the cached image once no transfer uses it, so it does not pin O(state) memory.</summary>
    private void ReleaseUnusedImage()
    {
        if (leaderImage is null) return;
        foreach (var pr in progress.Values)
        {
            if (ReferenceEquals(pr.Snapshot, leaderImage)) return;
        }
        leaderImage = null;
    }

    /// <summary>
    /// InstallSnapshot receiver (paper §7, Figure 13; thesis §5.3): chunks are accepted only in order and
    /// acknowledged with the next offset expected, so a lost, duplicated or reordered chunk makes the leader
    /// resume from there. A snapshot not newer than the commit index is not installed (the log already holds
    /// what it covers); it is acknowledged as done so the leader resumes appends. The complete image is
    /// restored into the log and handed to the driver in <see cref="Ready.Snapshot"/>; the final
    /// acknowledgement leaves in the same Ready, so it is sent only after the driver made the snapshot durable.
    /// </summary>
    private void HandleSnapshot(Message m)
    {
        if (m.TotalBytes < 0 || m.TotalBytes > Array.MaxLength || m.Index <= 0) return; // malformed: a lost packet
        if (m.Index <= log.Committed && !Faults.InstallOlderSnapshot)
        {
            if (incoming is { } stale && stale.Metadata.Index <= log.Committed) incoming = null;
            Send(new Message { Type = MessageType.SnapshotResponse, From = Id, To = m.From, Term = Term, Index = m.Index, Done = true });
            return;
        }
        if (incoming is null || !incoming.IsSameTransfer(m))
        {
            if (m.Offset != 0)
            {
                // A chunk of a transfer we do not hold (we restarted, or a new one began): ask for the start.
                Send(new Message { Type = MessageType.SnapshotResponse, From = Id, To = m.From, Term = Term, Index = m.Index, Offset = 0 });
                return;
            }
            incoming = new IncomingSnapshot(m);
        }
        if (!incoming.Accept(m))
        {
            Send(new Message { Type = MessageType.SnapshotResponse, From = Id, To = m.From, Term = Term, Index = m.Index, Offset = incoming.Expected });
            return;
        }
        if (!incoming.IsComplete)
        {
            Send(new Message { Type = MessageType.SnapshotResponse, From = Id, To = m.From, Term = Term, Index = m.Index, Offset = incoming.Expected });
            return;
        }
        var image = incoming.ToImage();
        incoming = null;
        log.Restore(image, Faults);
        // The snapshot's configuration governs unless the entries kept after it hold a newer one.
        SetSnapshotConfiguration(image.Metadata);
        RefreshConfiguration();
        Send(new Message { Type = MessageType.SnapshotResponse, From = Id, To = m.From, Term = Term, Index = image.Metadata.Index, Offset = image.Data.Length, Done = true });
    }
}
