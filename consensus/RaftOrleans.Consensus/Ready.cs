namespace RaftOrleans.Consensus;

/// <summary>
/// Everything the node asks its driver to do after a batch of inputs. The driver MUST:
/// <list type="number">
/// <item>if <see cref="Snapshot"/> is set, install it durably FIRST: restore the state machine from its
/// <see cref="SnapshotImage.Data"/>, persist the image, and make the log start after it
/// (<see cref="MemoryRaftLogStorage.ApplySnapshot"/>: keep the entries after the snapshot if the log's entry
/// at its index has its term, else discard the log);</item>
/// <item>persist <see cref="HardState"/> (if any) and append <see cref="Entries"/> to stable storage
/// (replacing any conflicting suffix) — durably, BEFORE anything else but the snapshot;</item>
/// <item>then send <see cref="Messages"/> (a vote, an append acknowledgement or the final snapshot
/// acknowledgement sent before the state it depends on is durable would break election safety or commit
/// safety after a crash).
/// Exception: when <see cref="AppendsMayPrecedePersist"/> is set, the messages for which
/// <see cref="MayPrecedePersist"/> holds may be sent before (or while) persisting;</item>
/// <item>then apply <see cref="CommittedEntries"/> to the state machine in order (after a snapshot they start
/// right after its index), and release
/// <see cref="ReadStates"/> once the applied index reaches each read's index;</item>
/// <item>then call <see cref="RaftNode.Advance"/> with this batch.</item>
/// </list>
/// Only one Ready may be outstanding: do not call <see cref="RaftNode.GetReady"/> again before
/// <see cref="RaftNode.Advance"/>.
/// </summary>
public sealed class Ready
{
    /// <summary>
    /// A complete snapshot received from the leader, to install before anything else in this batch (see the
    /// order above), or null. Its index is above every index this replica had committed; after
    /// <see cref="RaftNode.Advance"/> the node's applied index is the snapshot's index.
    /// </summary>
    public SnapshotImage? Snapshot { get; init; }

    /// <summary>Changed volatile state (leader, role), or null if unchanged.</summary>
    public SoftState? SoftState { get; init; }
    /// <summary>Hard state to persist, or null if unchanged since the last Ready.</summary>
    public HardState? HardState { get; init; }
    /// <summary>Entries to append to stable storage. The first one may overwrite a conflicting suffix.</summary>
    public IReadOnlyList<Entry> Entries { get; init; } = [];
    /// <summary>Messages to send after persisting.</summary>
    public IReadOnlyList<Message> Messages { get; init; } = [];
    /// <summary>
    /// True when this batch is a leader's whose term and vote are already durable: its
    /// <see cref="MessageType.Append"/> and <see cref="MessageType.Heartbeat"/> messages
    /// (<see cref="MayPrecedePersist"/>) may then be sent before the batch is persisted, so the leader's
    /// disk write overlaps the followers'. Safe because the leader counts its own entries toward commit
    /// only after <see cref="RaftNode.Advance"/>, and because a leader never rewrites its own entries:
    /// a crash before the write only leaves followers with uncommitted entries of the leader's term.
    /// </summary>
    public bool AppendsMayPrecedePersist { get; init; }

    /// <summary>Whether <paramref name="message"/> may be sent before persisting, given <see cref="AppendsMayPrecedePersist"/>.</summary>
    public bool MayPrecedePersist(Message message)
        => EverythingMayPrecedePersist
           || (AppendsMayPrecedePersist && message.Type is MessageType.Append or MessageType.Heartbeat)
           || (SnapshotAckMayPrecedePersist && message.Type == MessageType.SnapshotResponse);

    /// <summary>Set only by <see cref="RaftFaults.EverythingBeforePersist"/> (a deliberate bug for tests).</summary>
    internal bool EverythingMayPrecedePersist { get; init; }

    /// <summary>Set only by <see cref="RaftFaults.AckSnapshotBeforeDurable"/> (a deliberate bug for tests).</summary>
    internal bool SnapshotAckMayPrecedePersist { get; init; }

    /// <summary>Committed entries to apply, in index order, after persisting.</summary>
    public IReadOnlyList<Entry> CommittedEntries { get; init; } = [];
    /// <summary>Confirmed linearizable reads.</summary>
    public IReadOnlyList<ReadState> ReadStates { get; init; } = [];
    /// <summary>Contexts of <see cref="RaftNode.ReadIndex"/> requests the node dropped (leadership lost
    /// before they were confirmed). The driver fails their waiters with "not leader" so they retry.</summary>
    public IReadOnlyList<long> DroppedReads { get; init; } = [];

    /// <summary>True when this batch asks for nothing.</summary>
    public bool IsEmpty => Snapshot is null && SoftState is null && HardState is null && Entries.Count == 0 && Messages.Count == 0
        && CommittedEntries.Count == 0 && ReadStates.Count == 0 && DroppedReads.Count == 0;
}
