using System.Diagnostics;
using Orleans.Storage;
using RaftOrleans.Consensus;
using RaftOrleans.Grains.Diagnostics;
using RaftOrleans.KeyValue;

namespace RaftOrleans.Grains.Replica;

/// <summary>The ready pump: the only code that changes the consensus node.</summary>
internal sealed partial class RaftReplicaGrain
{
    private readonly List<Message> _inbox = [];
    private List<(byte[] Command, TaskCompletionSource<ReplicaReply> Waiter, (long, long) Session, Activity? Trace)> _proposalQueue = [];
    // Linearizable reads waiting for a ReadIndex round: what to read once the round's index is applied, and who asks.
    private List<(Func<KeyValueStateMachine, KvResult> Read, TaskCompletionSource<ReplicaReply> Waiter)> _readQueue = [];
    // One entry per timer tick not yet stepped: the inbox length when it fired, so ticks and
    // messages are stepped in the order they arrived (see StepQueuedInputs).
    private readonly List<int> _tickMarks = [];
    private int _transferTarget;
    private bool _pumping;
    private StateRole _lastRole = StateRole.Follower;

    /// <summary>Starts the pump unless it is already running; it drains everything queued.</summary>
    private void Kick()
    {
        if (_pumping || _stopped) return;
        _pumping = true;
        _ = PumpAsync();
    }

    private async Task PumpAsync()
    {
        try
        {
            while (!_stopped)
            {
                if (_faultHook is not null) await _faultHook.BeforeRoundAsync(_key);
                StepQueuedInputs();
                if (!_node.HasReady()) break;
                var ready = _node.GetReady();
                _metrics.ReadyBatches.Add(1, _metricTags);

                // 0. A snapshot from the leader is installed durably before anything else (Ready contract).
                if (ready.Snapshot is { } snapshot) await InstallSnapshotAsync(snapshot);

                // 0b. A leader's appends and heartbeats may leave first, so the followers' disk writes
                //    overlap the leader's own (Ready.AppendsMayPrecedePersist).
                if (ready.AppendsMayPrecedePersist) Send(ready.Messages.Where(ready.MayPrecedePersist));

                // 1. Persist: hard state and entries, durably, before any message that depends on them.
                if (ready.HardState is not null || ready.Entries.Count > 0)
                {
                    var started = Stopwatch.GetTimestamp();
                    var before = _store.Writes;
                    await _store.SaveAsync(ready.HardState, ready.Entries);
                    _metrics.StorageWrites.Add(_store.Writes - before, _metricTags);
                    var elapsedMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    _metrics.StorageWriteDuration.Record(elapsedMs / 1000, _metricTags);
                    if (elapsedMs > 250) Log.SlowStorageWrite(_logger, _name, ready.Entries.Count, _store.TailEntries, elapsedMs);
                    if (_traced.Count > 0 && ready.Entries.Count > 0) TraceEvent("persisted", ready.Entries[^1].Index, ref _tracedPersisted);
                }

                // 2. Send (what did not leave early).
                Send(ready.AppendsMayPrecedePersist ? ready.Messages.Where(m => !ready.MayPrecedePersist(m)) : ready.Messages);

                // 3. Apply, complete waiters, release reads.
                ObserveRole(ready);
                _requests.Apply(ready);
                if (_watches.Count > 0 && ready.CommittedEntries.Count > 0) ServeWatches();
                if (_traced.Count > 0) TraceEvent("committed", _node.CommitIndex, ref _tracedCommitted);

                // 4. Advance.
                _node.Advance(ready);
                ObserveConfiguration();

                // 5. Compact behind a durable snapshot; start the next snapshot (written in the background).
                await SnapshotAndCompactAsync();
            }
        }
        catch (InconsistentStateException ex)
        {
            Log.FailStopEtag(_logger, ex, _name);
            Stop("another activation of this replica wrote its storage");
        }
        catch (Exception ex)
        {
            Log.FailStopStorage(_logger, ex, _name);
            Stop("storage failure");
        }
        finally
        {
            _pumping = false;
        }
    }

    /// <summary>Fail-stop: answer nothing more; a later activation restarts from durable state.</summary>
    private void Stop(string reason)
    {
        _stopped = true;
        _timer?.Dispose();
        FailAllWaiters(reason);
        DeactivateOnIdle();
    }

    /// <summary>Queues a timer tick for the next round, after the messages that arrived before it.</summary>
    private void QueueTick() => _tickMarks.Add(_inbox.Count);

    private void StepQueuedInputs()
    {
        // While the pump waits (a storage write that stalls for seconds, a paused round), ticks and
        // messages pile up. Stepping all ticks first would let the replica campaign or check quorum
        // on a view seconds old: the heartbeats, votes and higher terms that arrived meanwhile
        // would be read only afterwards. Step both in arrival order instead, and at most
        // 2 x ElectionTicks ticks in a row with no message between them: that covers the longest
        // randomized election timeout, so a replica whose peers really went silent still times out
        // once, but a long stall never replays into a string of elections whose messages were never sent.
        var maxTicksInARow = 2 * _options.ElectionTicks;
        var tick = 0;
        var inARow = 0;
        for (var i = 0; i <= _inbox.Count; i++)
        {
            for (; tick < _tickMarks.Count && _tickMarks[tick] <= i; tick++)
            {
                if (inARow++ < maxTicksInARow) _node.Tick();
            }
            if (i == _inbox.Count) break;
            _node.Step(_inbox[i]);
            inARow = 0;
        }
        _tickMarks.Clear();
        _inbox.Clear();
        ReportForeignIncarnations();
        ExpireLeases();

        if (_proposalQueue.Count > 0)
        {
            var queued = _proposalQueue;
            _proposalQueue = [];
            foreach (var (command, waiter, session, trace) in queued)
            {
                var result = _node.Propose(command);
                if (result.Outcome == ProposeOutcome.Accepted)
                {
                    _requests.Proposed(result.Index, result.Term, waiter, session.Item1 != 0 ? session : null);
                    if (trace is not null) Traced(trace, result.Index, result.Term);
                }
                else
                {
                    _requests.SessionRefused(session);
                    waiter.TrySetResult(new ReplicaReply { NotLeader = true, LeaderHint = result.LeaderHint, Reason = result.Outcome.ToString() });
                }
            }
        }

        if (_readQueue.Count > 0)
        {
            var queued = _readQueue;
            _readQueue = [];
            foreach (var (read, waiter) in queued)
            {
                var context = _requests.NextReadContext();
                if (_node.ReadIndex(context))
                {
                    _requests.ReadStarted(context, read, waiter);
                }
                else
                {
                    waiter.TrySetResult(NotLeader("not leader"));
                }
            }
        }

        PlanSelfHealing();
        ProposeMembershipChanges();

        if (_transferTarget != 0)
        {
            _node.TransferLeadership(_transferTarget);
            _transferTarget = 0;
        }
    }

    private void Send(IEnumerable<Message> messages)
    {
        // One one-way grain call per peer per batch. Never awaited: a reply is a message of its own.
        foreach (var group in messages.GroupBy(m => m.To))
        {
            if (group.Key == _key.Index || group.Key <= 0) continue;
            var peer = Peer(group.Key);
            // A peer whose silo is not an active member is down: its messages are lost packets.
            // Sending anyway would only run the placement director (and its retries) to fail.
            if (!_peerSilos.IsUp(group.Key)) continue;
            var batch = group.Select(m => m.ToEnvelope()).ToArray();
            var target = group.Key;
            peer.Deliver(batch).ContinueWith(
                static (t, state) => { _ = t.Exception; },
                target,
                TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously);
        }
    }

    private void ObserveRole(Ready ready)
    {
        if (ready.SoftState is not { } soft) return;
        if (soft.Role != _lastRole)
        {
            Log.RoleChanged(_logger, _name, soft.Role.ToString(), _node.Term, soft.Leader);
            if (soft.Role == StateRole.Leader)
            {
                _metrics.Elections.Add(1, _metricTags);
                RestartLeaseClock();
            }
            if (_lastRole == StateRole.Leader)
            {
                // Outcome of in-flight proposals is unknown here: the gateway retries them with the
                // same session sequence, and the state machine's session table applies each once.
                // (_requests fails its own waiters when it sees the same role change.)
                FailAllWaiters("leadership lost");
            }
            _lastRole = soft.Role;
        }
    }
}
