using System.Runtime.InteropServices;
using RaftOrleans.Consensus;

namespace RaftOrleans.KeyValue;

/// <summary>
/// The apply-and-answer half of a replica's ready pump, shared by the Orleans replica grain and the
/// consensus simulation so that the simulation proves the code that ships. It owns the
/// <see cref="KeyValueStateMachine"/> and the requests waiting on it:
/// <list type="bullet">
/// <item>proposals, matched by index and term: the entry applied at that index with that term is ours,
/// another term means ours was overwritten;</item>
/// <item>client sessions in flight, so a driver can join a retry to the proposal already waiting;</item>
/// <item>linearizable reads: awaiting leadership confirmation (ReadIndex), then awaiting the apply of their
/// read index;</item>
/// <item>installed snapshots (<see cref="Ready.Snapshot"/>): the state machine is replaced, proposals at or
/// below the snapshot index fail with an unknown outcome (the session table inside the snapshot makes the
/// retry apply once), reads up to the index are served from the restored state.</item>
/// </list>
/// It also captures images of its state machine for InstallSnapshot (<see cref="IStateMachineSnapshotter"/>).
/// Not thread-safe: one driver calls it.
/// </summary>
/// <typeparam name="TWaiter">The driver's handle for one waiting request (a task source, a simulated client request).</typeparam>
public sealed class AppliedRequests<TWaiter> : IStateMachineSnapshotter
    where TWaiter : class
{
    private readonly IAppliedRequestsHost<TWaiter> _host;
    private readonly Dictionary<long, (long Term, TWaiter Waiter, (long ClientId, long Sequence)? Session)> _proposals = [];
    private readonly Dictionary<(long ClientId, long Sequence), TWaiter> _sessions = [];
    private readonly Dictionary<long, (Func<KeyValueStateMachine, KvResult> Read, TWaiter Waiter)> _readsAwaitingConfirmation = [];
    private readonly List<(long Index, Func<KeyValueStateMachine, KvResult> Read, TWaiter Waiter)> _readsAwaitingApply = [];
    private SnapshotImage? _lastInstalled;
    private StateRole _role = StateRole.Follower;
    private long _nextReadContext;

    /// <summary>Starts with <paramref name="machine"/> (fresh, or restored from the durable snapshot).</summary>
    /// <param name="machine">The state machine; replaced when a snapshot is installed.</param>
    /// <param name="host">Receives answers and applied entries.</param>
    /// <param name="firstReadContext">Read contexts are handed out after this value; give each replica
    /// (and each restart) a range of its own so a late confirmation never matches another read.</param>
    public AppliedRequests(KeyValueStateMachine machine, IAppliedRequestsHost<TWaiter> host, long firstReadContext = 0)
    {
        ArgumentNullException.ThrowIfNull(machine);
        ArgumentNullException.ThrowIfNull(host);
        Machine = machine;
        _host = host;
        _nextReadContext = firstReadContext;
    }

    /// <summary>The current state machine (a new instance after each installed snapshot).</summary>
    public KeyValueStateMachine Machine { get; private set; }

    /// <summary>Proposals waiting for their entry to apply.</summary>
    public int PendingProposals => _proposals.Count;

    /// <summary>Reads waiting for confirmation or for the apply of their index.</summary>
    public int PendingReads => _readsAwaitingConfirmation.Count + _readsAwaitingApply.Count;

    /// <summary>The waiter already registered for <paramref name="session"/>, if a proposal of it is in flight.</summary>
    public bool TryGetSessionWaiter((long ClientId, long Sequence) session, out TWaiter? waiter)
        => _sessions.TryGetValue(session, out waiter);

    /// <summary>Registers <paramref name="waiter"/> as the one answering <paramref name="session"/> while its
    /// proposal is queued (before <see cref="Proposed"/>), so retries can join it.</summary>
    public void SessionQueued((long ClientId, long Sequence) session, TWaiter waiter) => _sessions[session] = waiter;

    /// <summary>The proposal of <paramref name="session"/> was refused before reaching the log.</summary>
    public void SessionRefused((long ClientId, long Sequence) session) => _sessions.Remove(session);

    /// <summary>A proposal was accepted at (<paramref name="index"/>, <paramref name="term"/>); answer
    /// <paramref name="waiter"/> when that index applies.</summary>
    public void Proposed(long index, long term, TWaiter waiter, (long ClientId, long Sequence)? session = null)
    {
        ArgumentNullException.ThrowIfNull(waiter);
        // Leadership loss fails every proposal, so an index is reused only after its waiter was answered;
        // should one remain, its entry was certainly replaced.
        if (_proposals.Remove(index, out var previous)) Fail(previous.Waiter, previous.Session, $"entry ({index}, term {previous.Term}) was replaced");
        _proposals[index] = (term, waiter, session);
        if (session is { } s) _sessions[s] = waiter;
    }

    /// <summary>A context for the next <see cref="RaftNode.ReadIndex"/> call.</summary>
    public long NextReadContext() => ++_nextReadContext;

    /// <summary>The node accepted a ReadIndex round with <paramref name="context"/> for a read of <paramref name="key"/>.</summary>
    public void ReadStarted(long context, string key, TWaiter waiter)
    {
        ArgumentNullException.ThrowIfNull(key);
        ReadStarted(context, machine => machine.Get(key), waiter);
    }

    /// <summary>The node accepted a ReadIndex round with <paramref name="context"/>; once the round's index is applied,
    /// <paramref name="read"/> answers <paramref name="waiter"/> from the state machine.</summary>
    public void ReadStarted(long context, Func<KeyValueStateMachine, KvResult> read, TWaiter waiter)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(waiter);
        _readsAwaitingConfirmation[context] = (read, waiter);
    }

    /// <summary>
    /// The apply step of the ready pump, after the batch is persisted and sent: observes a lost leadership
    /// (fails every waiter: their outcome is unknown), installs <see cref="Ready.Snapshot"/> if
    /// <see cref="InstallSnapshot"/> was not called for it, applies <see cref="Ready.CommittedEntries"/> and
    /// answers their proposals, releases confirmed reads and fails dropped ones.
    /// </summary>
    public void Apply(Ready ready)
    {
        ArgumentNullException.ThrowIfNull(ready);
        if (ready.SoftState is { } soft && soft.Role != _role)
        {
            if (_role == StateRole.Leader) FailAll("leadership lost");
            _role = soft.Role;
        }
        if (ready.Snapshot is { } snapshot && !ReferenceEquals(snapshot, _lastInstalled)) InstallSnapshot(snapshot);
        foreach (var entry in ready.CommittedEntries) ApplyEntry(entry);
        foreach (var rs in ready.ReadStates)
        {
            if (_readsAwaitingConfirmation.Remove(rs.Context, out var read)) _readsAwaitingApply.Add((rs.Index, read.Read, read.Waiter));
        }
        foreach (var context in ready.DroppedReads)
        {
            if (_readsAwaitingConfirmation.Remove(context, out var read)) _host.Failed(read.Waiter, "read dropped: leadership lost");
        }
        ServeReads();
    }

    /// <summary>
    /// Replaces the state machine with the one encoded in <paramref name="image"/> (a driver may call this before
    /// persisting, to persist the restored state; <see cref="Apply"/> then skips the same image). Proposals at or
    /// below the snapshot's index fail with an unknown outcome; reads up to it are served from the new state.
    /// </summary>
    /// <exception cref="InvalidDataException">The image is not a valid state-machine snapshot.</exception>
    public KeyValueStateMachine InstallSnapshot(SnapshotImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var data = MemoryMarshal.TryGetArray(image.Data, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : image.Data.ToArray();
        var restored = KeyValueStateMachine.Restore(data, Machine.HistoryEvents);
        if (restored.AppliedIndex != image.Metadata.Index)
            throw new InvalidDataException($"Snapshot image is at index {restored.AppliedIndex}, its metadata says {image.Metadata.Index}.");
        Machine = restored;
        _lastInstalled = image;
        foreach (var index in _proposals.Keys.Where(i => i <= image.Metadata.Index).ToArray())
        {
            _proposals.Remove(index, out var p);
            Fail(p.Waiter, p.Session, $"a snapshot at {image.Metadata.Index} replaced entry {index}");
        }
        ServeReads();
        return restored;
    }

    /// <summary>Fails every waiting proposal and read (leadership lost, the replica stops).</summary>
    public void FailAll(string reason)
    {
        var proposals = _proposals.Values.ToArray();
        var confirming = _readsAwaitingConfirmation.Values.ToArray();
        var applying = _readsAwaitingApply.ToArray();
        _proposals.Clear();
        _sessions.Clear();
        _readsAwaitingConfirmation.Clear();
        _readsAwaitingApply.Clear();
        foreach (var p in proposals) _host.Failed(p.Waiter, reason);
        foreach (var r in confirming) _host.Failed(r.Waiter, reason);
        foreach (var r in applying) _host.Failed(r.Waiter, reason);
    }

    /// <summary>An image of the state machine at its applied index (term and configuration filled by the node).</summary>
    public SnapshotImage? Capture()
    {
        var applied = Machine.AppliedIndex;
        return applied == 0 ? null : new SnapshotImage(new SnapshotMetadata(applied, 0, []), Machine.Snapshot());
    }

    private void ApplyEntry(Entry entry)
    {
        if (entry.Index <= Machine.AppliedIndex) return; // replayed below a loaded snapshot
        KvResult result = default;
        if (entry.Type == EntryType.Normal) result = Machine.Apply(entry.Index, entry.Data);
        else Machine.ApplyNoop(entry.Index);
        _host.EntryApplied(entry, result);

        if (!_proposals.Remove(entry.Index, out var pending)) return;
        if (pending.Session is { } s) _sessions.Remove(s);
        // Same index, same term: it is our proposal. Another term: ours was overwritten.
        if (pending.Term == entry.Term && entry.Type == EntryType.Normal)
            _host.Completed(pending.Waiter, result, $"applied ({entry.Index}, term {entry.Term})");
        else
            _host.Failed(pending.Waiter, $"entry ({entry.Index}, term {pending.Term}) was overwritten by term {entry.Term}");
    }

    private void ServeReads()
    {
        if (_readsAwaitingApply.Count == 0) return;
        var applied = Machine.AppliedIndex;
        var ready = new List<(long Index, Func<KeyValueStateMachine, KvResult> Read, TWaiter Waiter)>();
        var remaining = 0;
        for (var i = 0; i < _readsAwaitingApply.Count; i++)
        {
            var r = _readsAwaitingApply[i];
            if (r.Index <= applied) ready.Add(r);
            else _readsAwaitingApply[remaining++] = r;
        }
        _readsAwaitingApply.RemoveRange(remaining, _readsAwaitingApply.Count - remaining);
        foreach (var r in ready) _host.Completed(r.Waiter, r.Read(Machine), $"read at index {r.Index}");
    }

    private void Fail(TWaiter waiter, (long ClientId, long Sequence)? session, string reason)
    {
        if (session is { } s && _sessions.TryGetValue(s, out var w) && ReferenceEquals(w, waiter)) _sessions.Remove(s);
        _host.Failed(waiter, reason);
    }
}
