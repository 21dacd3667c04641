using RaftOrleans.KeyValue;
using RaftOrleans.Testing.History;

namespace RaftOrleans.Consensus.Tests.Simulation;

/// <summary>
/// One replica's server: a <see cref="RaftNode"/>, its disk (a <see cref="MemoryRaftLogStorage"/> and a durable
/// snapshot image, both surviving crashes) and its state machine with the requests waiting on it (an
/// <see cref="AppliedRequests{TWaiter}"/>, the very class the Orleans replica grain uses; it does not survive
/// a crash). Drives the node exactly as the <see cref="Ready"/> contract says: a leader's appends may go
/// first, then install the snapshot, persist, send, apply, advance. When configured it takes snapshots at
/// random points and compacts its log through <see cref="CompactionPolicy"/>, the rule the grain ships.
/// </summary>
internal sealed class SimulatedReplica : IAppliedRequestsHost<ClientRequest>
{
    private readonly SimulationOptions _options;
    private RaftConfig _config;
    private readonly RaftFaults _faults;
    private readonly SafetyMonitor _monitor;
    private readonly SimulatedNetwork _network;
    private readonly SimulationTrace _trace;
    private readonly Action<ClientRequest, ReplicaAnswer> _answer;
    private AppliedRequests<ClientRequest>? _requests;
    private Random? _snapshotRandom;
    private long _nextSnapshotAt;
    private long _now;
    private int _starts;
    private bool _tornCrashArmed;
    private StateRole _lastRole;

    public SimulatedReplica(int id, SimulationOptions options, RaftFaults faults, SafetyMonitor monitor, SimulatedNetwork network,
        SimulationTrace trace, Action<ClientRequest, ReplicaAnswer> answer)
    {
        Id = id;
        _options = options;
        _config = new RaftConfig
        {
            Id = id,
            Peers = Enumerable.Range(1, options.InitialVoters > 0 ? options.InitialVoters : options.Replicas).ToArray(),
            ElectionTicks = options.ElectionTicks,
            HeartbeatTicks = options.HeartbeatTicks,
            MaxEntriesPerMessage = options.MaxEntriesPerMessage,
            MaxInflightMessages = options.MaxInflightMessages,
            MaxSnapshotChunkBytes = options.MaxSnapshotChunkBytes,
            MaxInflightSnapshotChunks = options.MaxInflightSnapshotChunks,
        };
        _faults = faults;
        _monitor = monitor;
        _network = network;
        _trace = trace;
        _answer = answer;
        Disk = new MemoryRaftLogStorage { Faults = faults };
    }

    /// <summary>Replica id.</summary>
    public int Id { get; }

    /// <summary>The disk: log and hard state, kept across crashes (replaced by a blank one when wiped).</summary>
    public MemoryRaftLogStorage Disk { get; private set; }

    /// <summary>The incarnation stored on the disk (0 until the first start, and after a wipe).</summary>
    public long DiskIncarnation { get; private set; }

    /// <summary>Times this replica's disk was wiped.</summary>
    public int Wipes { get; private set; }


    /// <summary>The durable snapshot (taken here or installed from a leader), kept across crashes; null before the first.</summary>
    public SnapshotImage? DurableSnapshot { get; private set; }

    /// <summary>Snapshots installed from a leader so far (all runs of this replica).</summary>
    public int SnapshotsInstalled { get; private set; }

    /// <summary>Log compactions so far (all runs of this replica).</summary>
    public int Compactions { get; private set; }

    /// <summary>The running node, or null while crashed.</summary>
    public RaftNode? Node { get; private set; }

    /// <summary>The state machine, or null while crashed. Rebuilt from the durable snapshot and the log on restart.</summary>
    public KeyValueStateMachine? Machine => _requests?.Machine;

    /// <summary>True unless crashed.</summary>
    public bool IsUp => Node is not null;

    /// <summary>Until this time the replica is stalled: it neither ticks nor handles input.</summary>
    public long PausedUntil { get; private set; }

    /// <summary>Time units between this replica's ticks (its clock rate, drawn at each start).</summary>
    public int TickInterval { get; private set; } = Simulation.UnitsPerTick;

    /// <summary>True while stalled at <paramref name="now"/>.</summary>
    public bool IsPausedAt(long now) => IsUp && now < PausedUntil;

    /// <summary>Stalls the replica until <paramref name="until"/> (a process pause: GC, VM stall, SIGSTOP).</summary>
    public void Pause(long until, long now)
    {
        PausedUntil = until;
        _trace.Add(now, $"[r{Id}] PAUSE until t={until / (double)Simulation.UnitsPerTick:0.0} ({Describe()})");
    }

    /// <summary>Starts (or restarts) from the disk only: the state machine is restored from the durable snapshot
    /// (if any) and re-applies the committed log after it.</summary>
    public void Start(Random random, long now, int tickInterval)
    {
        TickInterval = tickInterval;
        PausedUntil = 0;
        _now = now;
        _starts++;
        KeyValueStateMachine machine = DurableSnapshot is { } snapshot
            ? KeyValueStateMachine.Restore(snapshot.Data.ToArray())
            : new KeyValueStateMachine();
        // Read contexts must be unique across replicas and restarts: give each start its own range.
        _requests = new AppliedRequests<ClientRequest>(machine, this, ((long)Id << 40) + ((long)_starts << 28));
        if (_options.SnapshotEveryEntries > 0)
        {
            _snapshotRandom ??= new Random(random.Next());
            _nextSnapshotAt = machine.AppliedIndex + DrawSnapshotInterval();
        }
        // The grain's rule: blank storage gets a new incarnation, persisted before anything is sent.
        DiskIncarnation = StorageIncarnation.Resolve(DiskIncarnation, random, out _);
        _config = _config with { Incarnation = DiskIncarnation };
        Node = new RaftNode(_config, Disk, random, machine.AppliedIndex, _requests, DurableSnapshot?.Metadata) { Faults = _faults };
        _lastRole = StateRole.Follower;
        HardState hs = Disk.HardState;
        _trace.Add(now, $"[r{Id}] start from disk: term={hs.Term} vote={hs.Vote} commit={hs.Commit} snapshot={DurableSnapshot?.Metadata.Index ?? 0} "
            + $"log=[{Disk.FirstIndex()},{Disk.LastIndex()}], incarnation {DiskIncarnation:x16}, tick every {tickInterval} units");
        Pump(now);
    }

    /// <summary>Crashes: the node, the state machine and every waiting request vanish; the disk stays.</summary>
    public void Crash(long now)
    {
        _tornCrashArmed = false;
        _trace.Add(now, $"[r{Id}] CRASH ({Describe()})");
        Node = null;
        _requests = null;
    }

    /// <summary>Crashes and loses the disk (a replaced disk): the next start is blank, under the same id and a new incarnation.</summary>
    public void CrashAndWipe(long now)
    {
        if (IsUp) Crash(now);
        Disk = new MemoryRaftLogStorage { Faults = _faults };
        DurableSnapshot = null;
        DiskIncarnation = 0;
        Wipes++;
        _trace.Add(now, $"[r{Id}] DISK WIPED");
    }

    /// <summary>Arms a torn crash: the replica crashes during its next batch that has entries or a snapshot,
    /// after sending what may precede the persist and before persisting (see <see cref="Ready.AppendsMayPrecedePersist"/>),
    /// or in its next compaction, after the snapshot is durable and before the log is compacted.</summary>
    public void ArmTornCrash(long now)
    {
        _tornCrashArmed = true;
        _trace.Add(now, $"[r{Id}] torn crash armed ({Describe()})");
    }

    /// <summary>Disarms a torn crash that has not struck.</summary>
    public void DisarmTornCrash() => _tornCrashArmed = false;

    /// <summary>Advances the node's clock by one tick.</summary>
    public void Tick(long now)
    {
        if (Node is null) return;
        Node.Tick();
        Pump(now);
    }

    /// <summary>Delivers a peer message.</summary>
    public void Receive(Message message, long now)
    {
        if (Node is null) return;
        Node.Step(message);
        Pump(now);
    }

    /// <summary>Asks the leader to hand leadership to <paramref name="target"/>.</summary>
    public void TransferLeadership(int target, long now)
    {
        if (Node is null) return;
        _trace.Add(now, $"[r{Id}] transfer leadership to r{target}");
        Node.TransferLeadership(target);
        Pump(now);
    }

    /// <summary>Asks this replica (the leader) for one membership change; returns whether it was accepted.</summary>
    public bool ChangeMembership(ConfigurationChange change, long now)
    {
        if (Node is null) return false;
        ConfigurationChangeResult result = Node.ProposeConfigurationChange(change);
        _trace.Add(now, $"[r{Id}] membership {change.Type} r{change.Id}: {result.Outcome}"
            + (result.Outcome == ConfigurationChangeOutcome.Accepted ? $" at ({result.Index}, term {result.Term}), now {Node.Configuration}" : $" ({result.Reason})"));
        Pump(now);
        return result.Outcome == ConfigurationChangeOutcome.Accepted;
    }

    /// <summary>Handles a client request: proposes a write or starts a ReadIndex round.</summary>
    public void Submit(ClientRequest request, long now)
    {
        if (Node is null || _requests is null)
        {
            _answer(request, new ReplicaAnswer(AnswerKind.Rejected, default, RaftNode.None, "replica down"));
            return;
        }
        if (request.Kind == HistoryOpKind.Get)
        {
            long context = _requests.NextReadContext();
            if (Node.ReadIndex(context)) _requests.ReadStarted(context, request.Key, request);
            else _answer(request, new ReplicaAnswer(AnswerKind.Rejected, default, Node.Leader, "not leader"));
        }
        else
        {
            ProposeResult result = Node.Propose(request.Command!);
            if (result.Outcome == ProposeOutcome.Accepted)
            {
                _requests.Proposed(result.Index, result.Term, request);
                _trace.Add(now, $"[r{Id}] client {request.Client} attempt {request.Attempt} {request.Kind} {request.Key} proposed at ({result.Index}, term {result.Term})");
            }
            else
            {
                _answer(request, new ReplicaAnswer(AnswerKind.Rejected, default, result.LeaderHint, result.Outcome.ToString()));
            }
        }
        Pump(now);
    }

    /// <summary>One line of state for traces and reports.</summary>
    public string Describe()
    {
        if (Node is null)
            return $"r{Id} DOWN disk(term={Disk.HardState.Term} commit={Disk.HardState.Commit} log=[{Disk.FirstIndex()},{Disk.LastIndex()}])";
        RaftStatus s = Node.Status();
        string peers = s.Progress.Count == 0 ? "" : " progress=" + string.Join(",", s.Progress.Select(p => $"r{p.Id}:{p.State}/{p.Match}"));
        return $"r{Id}{(Node.IsExcluded ? " EXCLUDED" : "")} {s.Role} term={s.Term} leader={s.Leader} commit={s.Commit} applied={Machine!.AppliedIndex} log=[{s.FirstIndex},{s.LastIndex}]{peers} {Node.Configuration}";
    }

    void IAppliedRequestsHost<ClientRequest>.Completed(ClientRequest waiter, KvResult result, string detail)
    {
        _trace.Add(_now, $"[r{Id}] {detail} for client {waiter.Client}: {result.Status} {result.Value}");
        _answer(waiter, new ReplicaAnswer(AnswerKind.Done, result, Node?.Leader ?? RaftNode.None, detail));
    }

    void IAppliedRequestsHost<ClientRequest>.Failed(ClientRequest waiter, string reason)
        => _answer(waiter, new ReplicaAnswer(AnswerKind.Lost, default, Node?.Leader ?? RaftNode.None, reason));

    void IAppliedRequestsHost<ClientRequest>.EntryApplied(Entry entry, KvResult result) => _monitor.Applied(Id, entry);

    /// <summary>Carries out every pending Ready in the contract's order, checking safety as it goes.</summary>
    private void Pump(long now)
    {
        _now = now;
        RaftNode node = Node!;
        AppliedRequests<ClientRequest> requests = _requests!;
        while (node.HasReady())
        {
            Ready ready = node.GetReady();

            // 0. What may precede the persist leaves first (a leader's appends and heartbeats).
            foreach (Message message in ready.Messages.Where(ready.MayPrecedePersist)) _network.Send(message, now);
            if (_tornCrashArmed && (ready.Entries.Count > 0 || ready.Snapshot is not null))
            {
                _tornCrashArmed = false;
                _trace.Add(now, ready.Snapshot is { } lost
                    ? $"[r{Id}] crashes before persisting the snapshot at ({lost.Metadata.Index}, term {lost.Metadata.Term})"
                    : $"[r{Id}] crashes before persisting entries {ready.Entries[0].Index}..{ready.Entries[^1].Index}");
                Crash(now);
                return;
            }

            // 1. Install a received snapshot: restore the state machine, persist the image, start the log after it.
            if (ready.Snapshot is SnapshotImage snapshot)
            {
                _monitor.SnapshotInstalled(Id, snapshot.Metadata, requests.Machine.AppliedIndex);
                requests.InstallSnapshot(snapshot);
                DurableSnapshot = snapshot;
                Disk.ApplySnapshot(snapshot.Metadata);
                _monitor.LogRestored(Id, Disk);
                SnapshotsInstalled++;
                _nextSnapshotAt = snapshot.Metadata.Index + DrawSnapshotInterval();
                _trace.Add(now, $"[r{Id}] installed snapshot ({snapshot.Metadata.Index}, term {snapshot.Metadata.Term}), "
                    + $"{snapshot.Data.Length} bytes, {snapshot.Metadata.RecordedConfiguration?.ToString() ?? "no configuration"}; log=[{Disk.FirstIndex()},{Disk.LastIndex()}], now {node.Configuration}");
            }

            // 2. Persist: entries, then the hard state (its commit may point into the new entries).
            if (ready.Entries.Count > 0)
            {
                Disk.Append(ready.Entries);
                _monitor.EntriesPersisted(Id, ready.Entries, Disk);
            }
            if (ready.HardState is HardState hs)
            {
                HardState before = Disk.HardState;
                Disk.SetHardState(hs);
                _monitor.HardStatePersisted(Id, before, hs, Disk);
            }

            // 3. Send the rest.
            foreach (Message message in ready.Messages.Where(m => !ready.MayPrecedePersist(m))) _network.Send(message, now);

            // 4. Apply, answer the proposals waiting at each index, release confirmed reads (the shipped code).
            requests.Apply(ready);

            if (ready.SoftState is SoftState soft && soft.Role != _lastRole)
            {
                _trace.Add(now, $"[r{Id}] becomes {soft.Role} in term {node.Term} (leader {soft.Leader})");
                _lastRole = soft.Role;
            }

            // 5. Advance.
            node.Advance(ready);

            if (!MaybeSnapshotAndCompact(now)) return; // crashed mid-compaction
        }
        _monitor.RoleObserved(Id, node.Term, node.Role, Disk);
    }

    /// <summary>
    /// At random points (every <see cref="SimulationOptions.SnapshotEveryEntries"/> to twice that many applied
    /// entries) takes a durable snapshot of the state machine, then compacts the log as
    /// <see cref="CompactionPolicy"/> says. An armed torn crash strikes between the two. Returns false if it crashed.
    /// </summary>
    private bool MaybeSnapshotAndCompact(long now)
    {
        if (_options.SnapshotEveryEntries == 0) return true;
        KeyValueStateMachine machine = _requests!.Machine;
        long applied = machine.AppliedIndex;
        if (applied < _nextSnapshotAt) return true;
        _nextSnapshotAt = applied + DrawSnapshotInterval();

        DurableSnapshot = new SnapshotImage(Node!.SnapshotMetadataAt(applied), machine.Snapshot());
        if (_tornCrashArmed)
        {
            _trace.Add(now, $"[r{Id}] crashes after saving a snapshot at {applied}, before compacting the log [{Disk.FirstIndex()},{Disk.LastIndex()}]");
            Crash(now);
            return false;
        }
        long? compactTo = CompactionPolicy.CompactTo(DurableSnapshot.Metadata.Index, applied, Disk.LastIndex(), _options.TrailingEntries, Disk.FirstIndex(), _faults);
        if (compactTo is long index)
        {
            Disk.Compact(index);
            Compactions++;
            _trace.Add(now, $"[r{Id}] snapshot at {applied}, log compacted to [{Disk.FirstIndex()},{Disk.LastIndex()}]");
        }
        return true;
    }

    private int DrawSnapshotInterval() => _snapshotRandom is null
        ? int.MaxValue / 2
        : _snapshotRandom.Next(_options.SnapshotEveryEntries, 2 * _options.SnapshotEveryEntries);
}
