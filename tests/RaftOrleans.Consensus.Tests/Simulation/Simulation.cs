using RaftOrleans.Testing.History;
using RaftOrleans.Testing.Linearizability;

namespace RaftOrleans.Consensus.Tests.Simulation;

/// <summary>
/// One seeded, deterministic run: replicas, network, nemesis and clients driven by a single event
/// queue in simulated time, every random choice drawn from <c>new Random(seed)</c>. Safety is checked
/// after every event (<see cref="SafetyMonitor"/>); at the end, replicas that applied the same prefix
/// must have equal state-machine fingerprints and the client history must be linearizable.
/// </summary>
internal sealed class Simulation : IClientHost, INemesisHost
{
    /// <summary>Time units per node tick: messages can arrive between ticks.</summary>
    public const int UnitsPerTick = 10;

    private readonly PriorityQueue<SimEvent, (long Time, long Order)> _queue = new();
    private readonly SimulatedReplica[] _replicas;
    private readonly SimulatedClient[] _clients;
    private readonly SafetyMonitor _monitor = new();
    private readonly Nemesis _nemesis;
    private readonly long _quietAt;
    private readonly long _stopClientsAt;
    private readonly long _endAt;
    private long _order;
    private long _attempts;
    private long _historyTime;
    private long _steps;

    private Simulation(int seed, SimulationOptions options, SimulationTrace trace)
    {
        Options = options;
        Trace = trace;
        Random = new Random(seed);
        // History times: the simulated time in thousandths of a unit, kept strictly increasing so two
        // events at one instant keep the order in which they happened.
        Recorder = new HistoryRecorder(() => _historyTime = Math.Max(_historyTime + 1, Now * 1000));
        Network = new SimulatedNetwork(options, Random, Schedule, trace);
        RaftFaults faults = options.Faults.ToRaftFaults();
        _replicas = Enumerable.Range(1, options.Replicas)
            .Select(id => new SimulatedReplica(id, options, faults, _monitor, Network, trace, Answer))
            .ToArray();
        _clients = Enumerable.Range(0, options.Clients).Select(p => new SimulatedClient(p, this)).ToArray();
        _nemesis = new Nemesis(this);
        _quietAt = (long)options.Ticks * UnitsPerTick;
        _stopClientsAt = (options.Ticks + options.QuietTicks * 2L / 3) * UnitsPerTick;
        _endAt = (long)(options.Ticks + options.QuietTicks) * UnitsPerTick;
    }

    // How often the watch client polls: a few ticks, so a poll often lands during an election or a partition.
    private const int WatchPollTicks = 3;
    private readonly SimulatedWatcher _watcher = new();

    /// <inheritdoc />
    public long Now { get; private set; }
    /// <inheritdoc />
    public Random Random { get; }
    /// <inheritdoc />
    public HistoryRecorder Recorder { get; }
    /// <inheritdoc />
    public SimulationTrace Trace { get; }
    /// <inheritdoc />
    public SimulationOptions Options { get; }
    /// <inheritdoc />
    public SimulatedNetwork Network { get; }
    /// <inheritdoc />
    public IReadOnlyList<SimulatedReplica> Replicas => _replicas;

    /// <summary>Runs <paramref name="seed"/> under <paramref name="options"/>. Never throws for a
    /// property violation: it is reported in the outcome. Without a trace nothing is traced (fast);
    /// re-run the seed with one to see what happened.</summary>
    public static SimulationOutcome Run(int seed, SimulationOptions options, SimulationTrace? trace = null)
    {
        var sim = new Simulation(seed, options, trace ?? SimulationTrace.Disabled);
        long steps = 0;
        string? invariant = null, violation = null;
        LinearizabilityVerdict? verdict = null;
        try
        {
            steps = sim.Execute();
            sim.CheckConvergence();
            sim._watcher.Poll(sim._replicas);
            sim._watcher.CheckFinal(sim._replicas.Where(r => r.IsUp).Select(r => r.Machine!));
            LinearizabilityResult result = LinearizabilityChecker.Check(sim.Recorder.Snapshot());
            verdict = result.Verdict;
            if (verdict == LinearizabilityVerdict.NotLinearizable)
            {
                invariant = "linearizability";
                violation = result.Explanation;
            }
        }
        catch (SafetyViolationException e)
        {
            steps = sim._steps;
            invariant = e.Invariant;
            violation = e.Message;
            sim.Trace.Add(sim.Now, $"VIOLATION {e.Message}");
        }
        catch (Exception e)
        {
            // A node or state machine that throws is a finding too, and must be reported with its seed.
            steps = sim._steps;
            invariant = "no exceptions";
            violation = $"unexpected exception: {e}";
            sim.Trace.Add(sim.Now, $"EXCEPTION {e.GetType().Name}: {e.Message}");
        }
        foreach (SimulatedReplica replica in sim._replicas) sim.Trace.Add(sim.Now, $"final: {replica.Describe()}");
        return new SimulationOutcome
        {
            Seed = seed,
            Options = options,
            Steps = steps,
            Operations = sim.Recorder.Count,
            Completed = sim._clients.Sum(c => c.Completed),
            Elections = sim._monitor.Elections,
            Committed = sim._monitor.CommittedIndex,
            Crashes = sim._nemesis.Crashes,
            Partitions = sim._nemesis.Partitions,
            Pauses = sim._nemesis.Pauses,
            Wipes = sim._nemesis.Wipes,
            MembershipChanges = sim._nemesis.MembershipChanges,
            SnapshotsInstalled = sim._replicas.Sum(r => r.SnapshotsInstalled),
            Compactions = sim._replicas.Sum(r => r.Compactions),
            WatchEvents = sim._watcher.Events,
            WatchRelists = sim._watcher.Relists,
            // Only the members of the final configuration must catch up; a wiped replica is excluded (its messages are
            // dropped) until it is removed and added again.
            Converged = sim._replicas.All(r => r.IsUp) && sim.FinalMembers().Select(r => r.Machine!.AppliedIndex).Distinct().Count() == 1,
            Linearizability = verdict,
            Invariant = invariant,
            Violation = violation,
            TraceTail = sim.Trace.Last(60),
        };
    }

    /// <inheritdoc />
    public long NextAttemptId() => ++_attempts;

    /// <inheritdoc />
    public void Schedule(long delay, SimEvent e) => _queue.Enqueue(e, (Now + delay, ++_order));

    private long Execute()
    {
        foreach (SimulatedReplica replica in _replicas)
        {
            StartReplica(replica);
            // Each replica ticks with its own phase, as real clocks would.
            Schedule(Random.Next(1, UnitsPerTick + 1), new TickReplica(replica.Id));
        }
        foreach (SimulatedClient client in _clients) client.ScheduleNext();
        Schedule(Options.NemesisIntervalTicks * (long)UnitsPerTick, new NemesisRound());
        Schedule(_quietAt, new QuietPhase());
        Schedule(WatchPollTicks * (long)UnitsPerTick, new WatchPoll());

        while (_queue.TryDequeue(out SimEvent? e, out var at))
        {
            if (at.Time > _endAt) break;
            Now = at.Time;
            _steps++;
            Handle(e);
        }
        return _steps;
    }

    private void Handle(SimEvent e)
    {
        switch (e)
        {
            case DeliverMessage(Message m):
                if (DeferWhilePaused(m.To, e)) break;
                if (Network.TryDeliver(m, Now)) _replicas[m.To - 1].Receive(m, Now);
                break;
            case TickReplica(int id):
                // A stalled process misses its timer ticks; it does not catch up on them.
                if (!_replicas[id - 1].IsPausedAt(Now)) _replicas[id - 1].Tick(Now);
                Schedule(_replicas[id - 1].TickInterval, e);
                break;
            case ClientRequestArrives(int id, ClientRequest request):
                if (DeferWhilePaused(id, e)) break;
                _replicas[id - 1].Submit(request, Now);
                break;
            case ClientAnswerArrives(int client, long attempt, ReplicaAnswer answer):
                _clients[client].OnAnswer(attempt, answer);
                break;
            case ClientAttemptTimeout(int client, long attempt):
                _clients[client].OnAttemptTimeout(attempt);
                break;
            case ClientOperationDeadline(int client, long sequence):
                _clients[client].OnDeadline(sequence);
                break;
            case WatchPoll:
                _watcher.Poll(_replicas);
                Schedule(WatchPollTicks * (long)UnitsPerTick, e);
                break;
            case ClientWake(int client):
                if (Now < _stopClientsAt) _clients[client].StartOperation();
                break;
            case NemesisRound:
                if (Now >= _quietAt) break;
                _nemesis.Round();
                Schedule(Options.NemesisIntervalTicks * (long)UnitsPerTick, e);
                break;
            case HealPartition(long epoch):
                _nemesis.Heal(epoch);
                break;
            case RestartReplica(int id):
                if (!_replicas[id - 1].IsUp) StartReplica(_replicas[id - 1]);
                else _replicas[id - 1].DisarmTornCrash(); // it wrote nothing while armed: the crash is off
                break;
            case QuietPhase:
                Trace.Add(Now, "quiet phase: heal, restart all, reliable network");
                _nemesis.HealNow();
                Network.Calm = true;
                foreach (SimulatedReplica replica in _replicas.Where(r => !r.IsUp)) StartReplica(replica);
                break;
            default:
                throw new InvalidOperationException($"Unhandled simulation event {e}.");
        }
    }

    private void StartReplica(SimulatedReplica replica)
    {
        int drift = Options.ClockDriftPercent == 0 ? 0 : Random.Next(-Options.ClockDriftPercent, Options.ClockDriftPercent + 1);
        int interval = Math.Max(1, (int)Math.Round(UnitsPerTick * (100 + drift) / 100.0));
        replica.Start(new Random(Random.Next()), Now, interval);
    }

    /// <summary>Input for a stalled replica waits until it resumes, in arrival order (its socket buffers).</summary>
    private bool DeferWhilePaused(int replica, SimEvent e)
    {
        SimulatedReplica target = _replicas[replica - 1];
        if (!target.IsPausedAt(Now)) return false;
        Schedule(target.PausedUntil - Now, e);
        return true;
    }

    private void Answer(ClientRequest request, ReplicaAnswer answer) =>
        Schedule(Random.Next(Options.MinDelay, Options.MaxDelay + 1), new ClientAnswerArrives(request.Client, request.Attempt, answer));

    /// <summary>The members of the configuration held by the live replica that committed most (the group's latest),
    /// that are live and not excluded by a wiped disk: the configuration records another incarnation for them than
    /// their disk has (a wiped voter not removed yet; it cannot know that itself, its log is blank).</summary>
    private IEnumerable<SimulatedReplica> FinalMembers()
    {
        SimulatedReplica? latest = _replicas.Where(r => r.IsUp).MaxBy(r => r.Node!.Status().Commit);
        if (latest is null) return [];
        GroupConfiguration configuration = latest.Node!.Configuration;
        return _replicas.Where(r => r.IsUp && configuration.Find(r.Id) is { } member
            && (member.Incarnation == 0 || member.Incarnation == r.DiskIncarnation));
    }

    /// <summary>Live replicas that applied the same number of entries must hold the same state.</summary>
    private void CheckConvergence()
    {
        foreach (var group in _replicas.Where(r => r.IsUp).GroupBy(r => r.Machine!.AppliedIndex))
        {
            SimulatedReplica first = group.First();
            ulong expected = first.Machine!.Fingerprint();
            foreach (SimulatedReplica other in group.Skip(1))
            {
                ulong actual = other.Machine!.Fingerprint();
                if (actual != expected)
                    throw new SafetyViolationException("state machine convergence",
                        $"r{first.Id} and r{other.Id} both applied {group.Key} entries but fingerprints differ ({expected:x16} vs {actual:x16})");
            }
        }
    }
}
