using RaftOrleans.KeyValue;
using RaftOrleans.Testing.History;

namespace RaftOrleans.Consensus.Tests.Simulation;

/// <summary>
/// One replica's server: a <see cref="RaftNode"/>, its disk (a <see cref="MemoryRaftLogStorage"/> that
/// survives crashes) and its <see cref="KeyValueStateMachine"/> (which does not). Drives the node
/// exactly as the <see cref="Ready"/> contract says: a leader's appends may go first, then persist, then send, then apply, then advance.
/// Client requests wait here for their entry to apply (matched by index and term) or for their read
/// to be confirmed and the state machine to catch up with it.
/// </summary>
internal sealed class SimulatedReplica
{
    private readonly RaftConfig _config;
    private readonly RaftFaults _faults;
    private readonly SafetyMonitor _monitor;
    private readonly SimulatedNetwork _network;
    private readonly SimulationTrace _trace;
    private readonly Action<ClientRequest, ReplicaAnswer> _answer;
    private readonly Dictionary<long, List<(long Term, ClientRequest Request)>> _proposals = [];
    private readonly Dictionary<long, ClientRequest> _readsAwaitingConfirmation = [];
    private readonly List<(long Index, ClientRequest Request)> _readsAwaitingApply = [];
    private long _nextReadContext;
    private bool _tornCrashArmed;
    private StateRole _lastRole;

    public SimulatedReplica(int id, SimulationOptions options, RaftFaults faults, SafetyMonitor monitor, SimulatedNetwork network,
        SimulationTrace trace, Action<ClientRequest, ReplicaAnswer> answer)
    {
        Id = id;
        _config = new RaftConfig
        {
            Id = id,
            Peers = Enumerable.Range(1, options.Replicas).ToArray(),
            ElectionTicks = options.ElectionTicks,
            HeartbeatTicks = options.HeartbeatTicks,
            MaxEntriesPerMessage = options.MaxEntriesPerMessage,
            MaxInflightMessages = options.MaxInflightMessages,
        };
        _faults = faults;
        _monitor = monitor;
        _network = network;
        _trace = trace;
        _answer = answer;
        // Read contexts must be unique across restarts too: give each replica its own range.
        _nextReadContext = (long)id << 40;
    }

    /// <summary>Replica id.</summary>
    public int Id { get; }

    /// <summary>The disk: log and hard state, kept across crashes.</summary>
    public MemoryRaftLogStorage Disk { get; } = new();

    /// <summary>The running node, or null while crashed.</summary>
    public RaftNode? Node { get; private set; }

    /// <summary>The state machine, or null while crashed. Rebuilt from the log on restart.</summary>
    public KeyValueStateMachine? Machine { get; private set; }

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

    /// <summary>Starts (or restarts) from the disk only, with an empty state machine that re-applies the committed log.</summary>
    public void Start(Random random, long now, int tickInterval)
    {
        TickInterval = tickInterval;
        PausedUntil = 0;
        Node = new RaftNode(_config, Disk, random) { Faults = _faults };
        Machine = new KeyValueStateMachine();
        _lastRole = StateRole.Follower;
        HardState hs = Disk.HardState;
        _trace.Add(now, $"[r{Id}] start from disk: term={hs.Term} vote={hs.Vote} commit={hs.Commit} last={Disk.LastIndex()}, tick every {tickInterval} units");
        Pump(now);
    }

    /// <summary>Crashes: the node, the state machine and every waiting request vanish; the disk stays.</summary>
    public void Crash(long now)
    {
        _tornCrashArmed = false;
        _trace.Add(now, $"[r{Id}] CRASH ({Describe()})");
        Node = null;
        Machine = null;
        _proposals.Clear();
        _readsAwaitingConfirmation.Clear();
        _readsAwaitingApply.Clear();
    }

    /// <summary>Arms a torn crash: the replica crashes during its next batch that has entries, after
    /// sending what may precede the persist and before persisting (see <see cref="Ready.AppendsMayPrecedePersist"/>).</summary>
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

    /// <summary>Handles a client request: proposes a write or starts a ReadIndex round.</summary>
    public void Submit(ClientRequest request, long now)
    {
        if (Node is null)
        {
            _answer(request, new ReplicaAnswer(AnswerKind.Rejected, default, RaftNode.None, "replica down"));
            return;
        }
        if (request.Kind == HistoryOpKind.Get)
        {
            long context = ++_nextReadContext;
            if (Node.ReadIndex(context)) _readsAwaitingConfirmation.Add(context, request);
            else _answer(request, new ReplicaAnswer(AnswerKind.Rejected, default, Node.Leader, "not leader"));
        }
        else
        {
            ProposeResult result = Node.Propose(request.Command!);
            if (result.Outcome == ProposeOutcome.Accepted)
            {
                if (!_proposals.TryGetValue(result.Index, out var waiting)) _proposals[result.Index] = waiting = [];
                waiting.Add((result.Term, request));
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
        if (Node is null) return $"r{Id} DOWN disk(term={Disk.HardState.Term} commit={Disk.HardState.Commit} last={Disk.LastIndex()})";
        RaftStatus s = Node.Status();
        return $"r{Id} {s.Role} term={s.Term} leader={s.Leader} commit={s.Commit} applied={Machine!.AppliedIndex} last={s.LastIndex}";
    }

    /// <summary>Carries out every pending Ready in the contract's order, checking safety as it goes.</summary>
    private void Pump(long now)
    {
        RaftNode node = Node!;
        while (node.HasReady())
        {
            Ready ready = node.GetReady();

            // 0. What may precede the persist leaves first (a leader's appends and heartbeats).
            foreach (Message message in ready.Messages.Where(ready.MayPrecedePersist)) _network.Send(message, now);
            if (_tornCrashArmed && ready.Entries.Count > 0)
            {
                _tornCrashArmed = false;
                _trace.Add(now, $"[r{Id}] crashes before persisting entries {ready.Entries[0].Index}..{ready.Entries[^1].Index}");
                Crash(now);
                return;
            }

            // 1. Persist: entries, then the hard state (its commit may point into the new entries).
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

            // 2. Send the rest.
            foreach (Message message in ready.Messages.Where(m => !ready.MayPrecedePersist(m))) _network.Send(message, now);

            // 3. Apply, answer the proposals waiting at each index, release confirmed reads.
            foreach (Entry entry in ready.CommittedEntries) Apply(entry, now);
            foreach (ReadState read in ready.ReadStates)
            {
                if (_readsAwaitingConfirmation.Remove(read.Context, out ClientRequest? request)) _readsAwaitingApply.Add((read.Index, request));
            }
            foreach (long context in ready.DroppedReads)
            {
                if (_readsAwaitingConfirmation.Remove(context, out ClientRequest? request))
                    _answer(request, new ReplicaAnswer(AnswerKind.Lost, default, node.Leader, "read dropped"));
            }
            ServeReads();

            if (ready.SoftState is SoftState soft && soft.Role != _lastRole)
            {
                _trace.Add(now, $"[r{Id}] becomes {soft.Role} in term {node.Term} (leader {soft.Leader})");
                _lastRole = soft.Role;
            }

            // 4. Advance.
            node.Advance(ready);
        }
        _monitor.RoleObserved(Id, node.Term, node.Role, Disk);
    }

    private void Apply(Entry entry, long now)
    {
        KeyValueStateMachine machine = Machine!;
        KvResult result = default;
        if (entry.Type == EntryType.Noop) machine.ApplyNoop(entry.Index);
        else result = machine.Apply(entry.Index, entry.Data);
        _monitor.Applied(Id, entry);

        if (!_proposals.Remove(entry.Index, out var waiting)) return;
        foreach ((long term, ClientRequest request) in waiting)
        {
            if (term == entry.Term)
            {
                _trace.Add(now, $"[r{Id}] applied ({entry.Index}, term {entry.Term}) for client {request.Client}: {result.Status} {result.Value}");
                _answer(request, new ReplicaAnswer(AnswerKind.Done, result, Node!.Leader, "applied"));
            }
            else
            {
                _answer(request, new ReplicaAnswer(AnswerKind.Lost, default, Node!.Leader, $"entry ({entry.Index}, term {term}) was overwritten"));
            }
        }
    }

    private void ServeReads()
    {
        KeyValueStateMachine machine = Machine!;
        for (int i = 0; i < _readsAwaitingApply.Count;)
        {
            (long index, ClientRequest request) = _readsAwaitingApply[i];
            if (index > machine.AppliedIndex)
            {
                i++;
                continue;
            }
            _readsAwaitingApply.RemoveAt(i);
            _answer(request, new ReplicaAnswer(AnswerKind.Done, machine.Get(request.Key), Node!.Leader, $"read at index {index}"));
        }
    }
}
