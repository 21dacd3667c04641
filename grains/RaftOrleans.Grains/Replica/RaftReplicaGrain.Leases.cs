using System.Diagnostics;
using RaftOrleans.Consensus;
using RaftOrleans.Grains.Diagnostics;
using RaftOrleans.Grains.Wire;
using RaftOrleans.KeyValue;

namespace RaftOrleans.Grains.Replica;

/// <summary>
/// The leader's side of leases (<see cref="LeaseClock"/>): it counts every lease down while it leads and its pump
/// runs, proposes a <see cref="KvOp.LeaseRevoke"/> for each lease whose time is up, and answers keep-alives and
/// time-to-live questions only after a ReadIndex round has confirmed it still leads. A replica that becomes leader
/// starts every countdown from the full TTL. The countdown advances in the pump, so a pump stalled on storage (or a
/// paused process) counts no time; and an expiry takes effect only once its revoke commits, which a leader without a
/// quorum cannot do.
/// </summary>
internal sealed partial class RaftReplicaGrain
{
    private LeaseClock _leaseClock = null!;
    private long _leaseClockAt;
    private long _leaseVersionSeen = -1;
    private long _leaseScanAt;

    private void StartLeaseClock()
    {
        // A step longer than a few ticks is a stall of the pump or the process, not time the leases lived through.
        _leaseClock = new LeaseClock(maxStep: 4 * _options.TickInterval, retryAfter: TimeSpan.FromSeconds(1));
        _leaseClockAt = Stopwatch.GetTimestamp();
    }

    /// <summary>This replica just became leader: every lease gets its full time to live again.</summary>
    private void RestartLeaseClock()
    {
        _leaseClock.Restart(_stateMachine.Leases());
        _leaseVersionSeen = _stateMachine.LeaseVersion;
        _leaseClockAt = Stopwatch.GetTimestamp();
    }

    /// <summary>Once per pump round, on the leader: counts the time since the last round and proposes due expiries.</summary>
    private void ExpireLeases()
    {
        var now = Stopwatch.GetTimestamp();
        var elapsed = Stopwatch.GetElapsedTime(_leaseClockAt, now);
        _leaseClockAt = now;
        if (_node.Role != StateRole.Leader) return;
        _leaseClock.Advance(elapsed, healthy: true);
        if (_stateMachine.LeaseVersion != _leaseVersionSeen)
        {
            _leaseClock.Sync(_stateMachine.Leases());
            _leaseVersionSeen = _stateMachine.LeaseVersion;
        }
        // Scanning every lease each round would cost O(leases) per message; once a tick is enough.
        if (_leaseClock.Count == 0 || Stopwatch.GetElapsedTime(_leaseScanAt, now) < _options.TickInterval) return;
        _leaseScanAt = now;
        foreach (var id in _leaseClock.TakeExpired())
        {
            Log.LeaseExpired(_logger, _name, id);
            var revoke = KvCommandCodec.Encode(new KvCommand { Op = KvOp.LeaseRevoke, Key = "", Lease = id });
            // Nobody waits for it: if it is lost, the clock proposes it again after its retry interval.
            _proposalQueue.Add((revoke, new TaskCompletionSource<ReplicaReply>(), (0, 0), null));
        }
    }

    /// <inheritdoc />
    public Task<ReplicaReply> LeaseKeepAlive(long id) => ConfirmedLeaseRead(id, machine =>
    {
        if (!machine.HasLease(id)) return new KvResult(KvStatus.NotFound, null, 0, $"lease {id} not found");
        SyncLeaseClock(machine);
        return new KvResult(KvStatus.Ok, null, machine.Revision) { Lease = id, Ttl = _leaseClock.KeepAlive(id) ?? 0 };
    });

    /// <inheritdoc />
    public Task<ReplicaReply> LeaseTimeToLive(long id, bool keys) => ConfirmedLeaseRead(id, machine =>
    {
        if (machine.Lease(id) is not { } lease) return new KvResult(KvStatus.NotFound, null, 0, $"lease {id} not found");
        SyncLeaseClock(machine);
        return new KvResult(KvStatus.Ok, null, machine.Revision)
        {
            Lease = id,
            Ttl = _leaseClock.Remaining(id) ?? lease.Ttl,
            GrantedTtl = lease.Ttl,
            Entries = keys ? lease.Keys.Select(k => new KvEntry(k, null, 0, 0, 0, id)).ToList() : null,
        };
    });

    private void SyncLeaseClock(KeyValueStateMachine machine)
    {
        if (machine.LeaseVersion == _leaseVersionSeen) return;
        _leaseClock.Sync(machine.Leases());
        _leaseVersionSeen = machine.LeaseVersion;
    }

    private Task<ReplicaReply> ConfirmedLeaseRead(long id, Func<KeyValueStateMachine, KvResult> read)
    {
        if (_stopped) return Task.FromResult(NotLeader("replica stopped"));
        if (_siloStopping) return Task.FromResult(SiloStopping());
        if (id <= 0) return Task.FromResult(new ReplicaReply { Response = KvResponse.BadInput($"lease id must be positive, was {id}") });
        if (_node.Role != StateRole.Leader) return Task.FromResult(NotLeader("not leader"));
        var waiter = new TaskCompletionSource<ReplicaReply>(TaskCreationOptions.RunContinuationsAsynchronously);
        // Answered when the round's index is applied, on this leader: the countdown restarts at that moment.
        _readQueue.Add((read, waiter));
        Kick();
        return waiter.Task;
    }
}
