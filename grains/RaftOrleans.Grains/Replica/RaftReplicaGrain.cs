using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Runtime;
using Orleans.Storage;
using RaftOrleans.Consensus;
using RaftOrleans.Grains.AdoNet;
using RaftOrleans.Grains.Diagnostics;
using RaftOrleans.Grains.Hosting;
using RaftOrleans.Grains.Placement;
using RaftOrleans.Grains.Wire;
using RaftOrleans.Grains.Topology;
using RaftOrleans.KeyValue;

namespace RaftOrleans.Grains.Replica;

/// <summary>
/// Drives one consensus node inside an Orleans grain. The one rule: changes to Raft state never
/// interleave; waiting always may. The grain is reentrant so a proposal waiting for its commit never
/// blocks the messages that commit it, and every entry point only queues its input and kicks the
/// single ready pump (<see cref="PumpAsync"/>), which alone touches the node. Inputs that arrive
/// while the pump awaits its storage write are stepped together next round: one write per batch.
/// </summary>
[Reentrant]
[ReplicaPlacement]
[GrainType(ReplicaAddressCache.ReplicaGrainTypeName)]
internal sealed partial class RaftReplicaGrain : Grain, IRaftReplicaGrain, IRemindable
{
    private const string WakeReminder = "raftkv.wake";
    private readonly ILogger<RaftReplicaGrain> _logger;
    private readonly RaftKeyValueOptions _options;
    private readonly RaftMetrics _metrics;
    private KeyValuePair<string, object?>[] _metricTags = [];
    private readonly ILocalSiloDetails _silo;
    private readonly IClusterMembershipService _membership;
    private readonly IReplicaTopology _topology;
    private PeerSilos _peerSilos = null!;
    private ReplicaKey _key;
    private string _name = "";
    private ReplicaLogStore _store = null!;
    private RaftNode _node = null!;
    private KvLimits _limits = null!;
    private readonly Dictionary<int, IRaftReplicaGrain> _peers = [];
    private IGrainTimer? _timer;
    private IReplicaFaultHook? _faultHook;
    private CancellationTokenRegistration _hostStopping;
    private bool _stopped;
    private DateTimeOffset _activatedAt;
    private bool _siloStopping;

    public RaftReplicaGrain(ILogger<RaftReplicaGrain> logger, IOptions<RaftKeyValueOptions> options, RaftMetrics metrics, ILocalSiloDetails silo, IClusterMembershipService membership, IReplicaTopology topology)
    {
        _membership = membership;
        _topology = topology;
        _logger = logger;
        _options = options.Value;
        _metrics = metrics;
        _silo = silo;
    }

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _activatedAt = DateTimeOffset.UtcNow;
        _name = this.GetPrimaryKeyString();
        _key = ReplicaKey.Parse(_name);
        _metricTags = RaftMetrics.TagsOf(_key);
        _faultHook = ServiceProvider.GetService<IReplicaFaultHook>(); // tests only; null in production
        if (!_topology.Contains(_key))
        {
            throw new ArgumentException($"Replica '{_name}' is not configured: {_topology.Describe()}.");
        }
        // Replicas bypass the grain directory (see ReplicaPlacementStrategy), so this check is what
        // keeps a stray message from creating a second activation on a silo that is not its own.
        var home = _topology.SiloOf(_key);
        if (!string.Equals(_silo.Name, home, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Replica '{_name}' belongs on silo '{home}', not on '{_silo.Name}'.");
        }
        _peerSilos = new PeerSilos(_membership, _topology, _key.Group);

        var storage = ServiceProvider.GetRequiredKeyedService<IGrainStorage>(_options.StorageProviderName);
        // The voters a new group starts with: they govern only until the log or a snapshot holds a configuration,
        // so a replica added later (not among them) never campaigns before it holds the one that made it a voter.
        var peers = _topology.InitialVoterIds(_key.Group);
        var writeGate = SqliteWriteGate.For(ServiceProvider, _options.StorageProviderName);
        _store = new ReplicaLogStore(storage, this.GetGrainId(), _options.LogChunkEntries, _options.SnapshotPartBytes, peers, writeGate: writeGate);
        // The head, the snapshot rows and the log after the compaction point; the state machine is
        // the durable snapshot's, and the committed entries after it are applied again by the pump.
        await _store.LoadAsync();
        _requests = new AppliedRequests<TaskCompletionSource<ReplicaReply>>(_store.LoadedStateMachine, this);
        _lastSnapshotIndex = _store.DurableSnapshotIndex;
        _limits = new KvLimits { MaxKeyBytes = _options.MaxKeyBytes, MaxValueBytes = _options.MaxValueBytes };

        var config = new RaftConfig
        {
            Id = _key.Index,
            Peers = peers,
            // The first configuration entry records where each replica lives (topology as data).
            PeerLocations = _topology.Members(_key.Group).ToDictionary(m => m.ReplicaId, m => m.Silo),
            ElectionTicks = _options.ElectionTicks,
            HeartbeatTicks = _options.HeartbeatTicks,
            Incarnation = _store.Incarnation,
        };
        // _requests images the state machine for followers behind the compaction point (InstallSnapshot).
        _node = new RaftNode(config, _store.Memory, new Random(), _stateMachine.AppliedIndex, _requests, _store.Memory.Snapshot);

        StartLeaseClock();
        _timer = this.RegisterGrainTimer(OnTickAsync, new GrainTimerCreationOptions(_options.TickInterval, _options.TickInterval)
        {
            KeepAlive = true,
            Interleave = true,
        });

        WatchHostStopping();
        var status = _node.Status();
        Log.ReplicaActivated(_logger, _name, _silo.Name, status.Term, status.Commit, status.LastIndex, _stateMachine.AppliedIndex);
        Log.ReplicaIncarnation(_logger, _name, _store.Incarnation, _node.ConfigurationCommitted);
        if (_node.IsExcluded) Log.ReplicaExcluded(_logger, _name, _store.Incarnation, _node.Incarnations![_key.Index]);
        RegisterWakeReminderInBackground();
        Kick(); // apply committed entries recovered from storage without waiting for traffic
    }

    /// <inheritdoc />
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _hostStopping.Dispose();
        _timer?.Dispose();
        _metrics.Forget(_key);
        FailAllWaiters("replica deactivating");
        await AwaitSnapshotWriteAsync();
    }

    /// <summary>The reminder only exists to bring the replica back after its silo restarts.</summary>
    public Task ReceiveReminder(string reminderName, TickStatus status) => Task.CompletedTask;

    private void RegisterWakeReminderInBackground()
    {
        // Reminder registration writes to the reminder table; it must not delay activation, and a
        // cluster without a reminder service still works (the silo startup task also wakes replicas).
        this.RegisterOrUpdateReminder(WakeReminder, _options.WakeReminderPeriod, _options.WakeReminderPeriod)
            .ContinueWith(t => Log.WakeFailed(_logger, t.Exception!.GetBaseException(), _name), TaskContinuationOptions.OnlyOnFaulted);
    }

    /// <summary>
    /// A graceful silo stop deactivates this grain only once every request it runs has finished, and a
    /// leader's pending proposals finish only when they commit — which needs replies a deactivating
    /// activation no longer receives, while its timer no longer ticks to step it down. Measured by the
    /// nemesis: a graceful stop of the leader's silo under load hung for the whole 30 s shutdown
    /// timeout. So when the host starts stopping, the replica hands leadership to a peer, fails its
    /// waiters (the gateway retries them elsewhere under the same session, so each still applies
    /// once) and turns new requests away; it keeps voting and replicating until the silo is gone.
    /// </summary>
    private void WatchHostStopping()
    {
        if (ServiceProvider.GetService<IHostApplicationLifetime>() is not { } lifetime) return;
        // The callback runs on a host thread; the activation's scheduler brings it into the grain's turn.
        var scheduler = TaskScheduler.Current;
        _hostStopping = lifetime.ApplicationStopping.Register(() =>
            Task.Factory.StartNew(OnHostStopping, CancellationToken.None, TaskCreationOptions.None, scheduler));
    }

    private void OnHostStopping()
    {
        if (_stopped || _siloStopping) return;
        _siloStopping = true;
        if (_node.Role == StateRole.Leader)
        {
            var heir = _node.Configuration.Voters.Where(v => v != _key.Index).FirstOrDefault(_peerSilos.IsUp);
            if (heir != 0) _transferTarget = heir;
        }
        FailAllWaiters("silo stopping");
        Kick();
    }

    private Task OnTickAsync(CancellationToken cancellationToken)
    {
        if (_faultHook?.TickFires(_key) == false) return Task.CompletedTask;
        PublishGauges();
        QueueTick();
        Kick();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task Deliver(RaftEnvelope[] messages)
    {
        if (_stopped) return Task.CompletedTask;
        foreach (var m in messages)
        {
            if (m.To != _key.Index || m.Type > (byte)MessageType.SnapshotResponse)
            {
                Log.BadMessage(_logger, _name, $"message type {m.Type} for replica {m.To}");
                continue;
            }
            _inbox.Add(m.ToMessage());
        }
        Kick();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<ReplicaReply> Propose(byte[] command)
    {
        if (_stopped) return Task.FromResult(NotLeader("replica stopped"));
        if (_siloStopping) return Task.FromResult(SiloStopping());
        if (!KvCommandCodec.TryDecode(command, out var decoded, out var error) || decoded is null)
        {
            return Task.FromResult(new ReplicaReply { Response = KvResponse.BadInput($"malformed command: {error}") });
        }
        if (_limits.Validate(decoded) is { } invalid)
        {
            return Task.FromResult(new ReplicaReply { Response = KvResponse.BadInput(invalid) });
        }
        if (_node.Role != StateRole.Leader) return Task.FromResult(NotLeader("not leader"));

        // A gateway retry of a proposal still in flight here joins it instead of appending a copy.
        var session = (decoded.ClientId, decoded.Sequence);
        if (decoded.ClientId != 0 && _requests.TryGetSessionWaiter(session, out var existing)) return existing!.Task;

        var waiter = new TaskCompletionSource<ReplicaReply>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (decoded.ClientId != 0) _requests.SessionQueued(session, waiter);
        _proposalQueue.Add((command, waiter, session, StartProposalTrace(waiter.Task)));
        Kick();
        return waiter.Task;
    }

    /// <inheritdoc />
    public Task<ReplicaReply> Read(string key)
    {
        if (_stopped) return Task.FromResult(NotLeader("replica stopped"));
        if (_siloStopping) return Task.FromResult(SiloStopping());
        if (_limits.ValidateKey(key) is { } invalid) return Task.FromResult(new ReplicaReply { Response = KvResponse.BadInput(invalid) });
        if (_node.Role != StateRole.Leader) return Task.FromResult(NotLeader("not leader"));
        var waiter = new TaskCompletionSource<ReplicaReply>(TaskCreationOptions.RunContinuationsAsynchronously);
        _readQueue.Add((machine => machine.Get(key), waiter));
        Kick();
        return waiter.Task;
    }

    /// <inheritdoc />
    public Task<KvResponse> ReadStale(string key)
    {
        if (_limits.ValidateKey(key) is { } invalid) return Task.FromResult(KvResponse.BadInput(invalid));
        return Task.FromResult(KvWire.ToResponse(_stateMachine.Get(key)));
    }

    /// <inheritdoc />
    public Task<ReplicaReply> ReadRange(RangeRequest request)
    {
        if (_stopped) return Task.FromResult(NotLeader("replica stopped"));
        if (_siloStopping) return Task.FromResult(SiloStopping());
        var range = KvWire.ToRange(request);
        if (_limits.ValidateRange(range) is { } invalid) return Task.FromResult(new ReplicaReply { Response = KvResponse.BadInput(invalid) });
        if (_node.Role != StateRole.Leader) return Task.FromResult(NotLeader("not leader"));
        var waiter = new TaskCompletionSource<ReplicaReply>(TaskCreationOptions.RunContinuationsAsynchronously);
        _readQueue.Add((machine => machine.Range(range!), waiter));
        Kick();
        return waiter.Task;
    }

    /// <inheritdoc />
    public Task<KvResponse> ReadRangeStale(RangeRequest request)
    {
        var range = KvWire.ToRange(request);
        if (_limits.ValidateRange(range) is { } invalid) return Task.FromResult(KvResponse.BadInput(invalid));
        return Task.FromResult(KvWire.ToResponse(_stateMachine.Range(range!)));
    }

    /// <inheritdoc />
    public Task<ReplicaStatus> GetStatus()
    {
        var s = _node.Status();
        return Task.FromResult(new ReplicaStatus
        {
            Replica = _key.Index,
            Silo = _silo.Name,
            Role = _stopped ? "Stopped" : s.Role.ToString(),
            Term = s.Term,
            Commit = s.Commit,
            Applied = _stateMachine.AppliedIndex,
            Leader = s.Leader,
            LastIndex = s.LastIndex,
            StorageWrites = _store.Writes,
            EntriesPersisted = _store.EntriesPersisted,
            ActivatedAt = _activatedAt,
            FirstIndex = _store.Memory.FirstIndex(),
            SnapshotIndex = _store.DurableSnapshotIndex,
            SnapshotsInstalled = _snapshotsInstalled,
            Configured = _node.ConfigurationCommitted,
            Members = MemberInfos(s),
            ConfigurationIndex = _node.ConfigurationIndex,
            ConfigurationCommitted = _node.ConfigurationIndex <= s.Commit,
        });
    }

    /// <inheritdoc />
    public Task Wake() => Task.CompletedTask;

    /// <inheritdoc />
    public Task<ReplicaReply> TransferLeadership(int target)
    {
        if (_node.Role != StateRole.Leader) return Task.FromResult(NotLeader("not leader"));
        if (target == _key.Index || !_node.Configuration.IsVoter(target))
            return Task.FromResult(new ReplicaReply { Response = KvResponse.BadInput($"replica {target} is not another voter to transfer to; voters are [{string.Join(", ", _node.Configuration.Voters)}]") });
        _transferTarget = target;
        Kick();
        return Task.FromResult(new ReplicaReply { Response = new KvResponse { Status = KvStatusCode.Ok } });
    }

    private ReplicaReply NotLeader(string reason) => new() { NotLeader = true, LeaderHint = _node?.Leader ?? 0, Reason = reason, ConfigurationIndex = _observedConfigurationIndex };

    // No leader hint: this replica may still think it leads, and the gateway must look elsewhere.
    private static ReplicaReply SiloStopping() => new() { NotLeader = true, Reason = "silo stopping" };
}
