using RaftOrleans.KeyValue;
using RaftOrleans.Testing.History;

namespace RaftOrleans.Consensus.Tests.Simulation;

/// <summary>What a client needs from the simulation.</summary>
internal interface IClientHost
{
    long Now { get; }
    Random Random { get; }
    HistoryRecorder Recorder { get; }
    SimulationTrace Trace { get; }
    SimulationOptions Options { get; }
    long NextAttemptId();
    void Schedule(long delay, SimEvent e);
}

/// <summary>
/// A client with one operation open at a time, like a gateway session: it sends each attempt to the
/// replica it believes leads (or a random one), follows leader hints, retries after rejections and
/// timeouts with the same (client id, sequence) so a retried write applies once, and gives up at a
/// deadline, recording the operation indeterminate. Every operation is recorded in the history
/// from first send to answer.
/// </summary>
internal sealed class SimulatedClient(int process, IClientHost host)
{
    private readonly Dictionary<string, string?> _lastSeen = [];
    private long _sequence;
    private Operation? _open;
    private long _attempt;
    private int _believedLeader = RaftNode.None;

    /// <summary>Operations that got an answer.</summary>
    public int Completed { get; private set; }

    /// <summary>The session id in commands (0 means "no session", so it is the process plus one).</summary>
    private long SessionId => process + 1;

    /// <summary>Starts the next operation now.</summary>
    public void StartOperation()
    {
        if (_open is not null) return;
        SimulationOptions options = host.Options;
        Random random = host.Random;
        _sequence++;
        string key = $"k{random.Next(options.Keys)}";
        string value = $"c{process}.{_sequence}";
        int draw = random.Next(options.PutWeight + options.GetWeight + options.DeleteWeight + options.CasWeight);
        HistoryOpKind kind = draw < options.PutWeight ? HistoryOpKind.Put
            : draw < options.PutWeight + options.GetWeight ? HistoryOpKind.Get
            : draw < options.PutWeight + options.GetWeight + options.DeleteWeight ? HistoryOpKind.Delete
            : HistoryOpKind.Cas;

        OperationHandle handle;
        KvCommand? command = null;
        switch (kind)
        {
            case HistoryOpKind.Put:
                handle = host.Recorder.Invoke(process, kind, key, value);
                command = new KvCommand { Op = KvOp.Put, Key = key, Value = value };
                break;
            case HistoryOpKind.Delete:
                handle = host.Recorder.Invoke(process, kind, key);
                command = new KvCommand { Op = KvOp.Delete, Key = key };
                break;
            case HistoryOpKind.Cas:
                // Expect what this client last saw, so swaps often succeed; sometimes expect absence.
                string? expected = random.Next(5) == 0 ? null : _lastSeen.GetValueOrDefault(key);
                handle = host.Recorder.Invoke(process, kind, key, value, expected);
                command = expected is null
                    ? new KvCommand { Op = KvOp.Cas, Key = key, Value = value, MustNotExist = true }
                    : new KvCommand { Op = KvOp.Cas, Key = key, Value = value, ExpectedValue = expected };
                break;
            default:
                handle = host.Recorder.Invoke(process, kind, key);
                break;
        }
        // Writes carry the session: every attempt of one operation has the same sequence, and every
        // earlier sequence is acknowledged (answered or abandoned), so the store may forget it.
        byte[]? encoded = command is null ? null
            : KvCommandCodec.Encode(command with { ClientId = SessionId, Sequence = _sequence, AckedBelow = _sequence });
        _open = new Operation(kind, key, encoded, handle, _sequence, host.NextAttemptId());
        host.Trace.Add(host.Now, $"[c{process}] invoke #{handle.Id} {kind} {key}{(kind is HistoryOpKind.Put or HistoryOpKind.Cas ? $" value={value}" : "")}");
        host.Schedule(options.OperationTimeoutTicks * (long)Simulation.UnitsPerTick, new ClientOperationDeadline(process, _sequence));
        SendAttempt(PickTarget());
    }

    /// <summary>A replica answered attempt <paramref name="attempt"/>.</summary>
    public void OnAnswer(long attempt, ReplicaAnswer answer)
    {
        if (_open is null || attempt < _open.FirstAttempt) return;
        if (answer.Kind == AnswerKind.Done)
        {
            // Any attempt's result is the operation's result: a retried write applies once and later
            // attempts get the cached result of the first.
            if (answer.LeaderHint != RaftNode.None) _believedLeader = answer.LeaderHint;
            Finish(answer.Result);
            return;
        }
        if (attempt != _attempt) return;
        host.Trace.Add(host.Now, $"[c{process}] attempt {attempt} {answer.Kind}: {answer.Reason}");
        _believedLeader = answer.LeaderHint;
        // Back off a tick so a leaderless cluster is not flooded, then try the hinted leader.
        _attempt = 0;
        host.Schedule(Simulation.UnitsPerTick, new ClientAttemptTimeout(process, 0));
    }

    /// <summary>An attempt timed out (or a back-off ended, attempt 0): retry if it is still the current one.</summary>
    public void OnAttemptTimeout(long attempt)
    {
        if (_open is null || attempt != _attempt) return;
        if (attempt != 0)
        {
            host.Trace.Add(host.Now, $"[c{process}] attempt {attempt} timed out");
            _believedLeader = RaftNode.None;
        }
        SendAttempt(PickTarget());
    }

    /// <summary>The operation's deadline passed: if still open, it becomes indeterminate.</summary>
    public void OnDeadline(long sequence)
    {
        if (_open is null || _open.Sequence != sequence) return;
        host.Recorder.MarkIndeterminate(_open.Handle);
        host.Trace.Add(host.Now, $"[c{process}] gives up on #{_open.Handle.Id} (indeterminate)");
        _open = null;
        _attempt = 0;
        ScheduleNext();
    }

    /// <summary>Schedules the next operation after a think time.</summary>
    public void ScheduleNext() =>
        host.Schedule(host.Random.Next(0, host.Options.ThinkTicksMax * Simulation.UnitsPerTick + 1), new ClientWake(process));

    private void Finish(KvResult result)
    {
        Operation op = _open!;
        (HistoryOutcome outcome, string? read) = (op.Kind, result.Status) switch
        {
            (_, KvStatus.BadInput) => throw new SafetyViolationException("client contract",
                $"client {process} got BadInput for #{op.Handle.Id} {op.Kind} {op.Key}: {result.Message}"),
            (HistoryOpKind.Put, KvStatus.Ok) => (HistoryOutcome.Ok, null),
            (HistoryOpKind.Get or HistoryOpKind.Delete, KvStatus.Ok) => (HistoryOutcome.Ok, result.Value),
            (HistoryOpKind.Get or HistoryOpKind.Delete, KvStatus.NotFound) => (HistoryOutcome.NotFound, null),
            (HistoryOpKind.Cas, KvStatus.Ok) => (HistoryOutcome.Ok, null),
            (HistoryOpKind.Cas, KvStatus.CasConflict) => (HistoryOutcome.CasConflict, result.Value),
            _ => throw new SafetyViolationException("client contract",
                $"client {process} got {result.Status} for #{op.Handle.Id} {op.Kind} {op.Key}, which that operation cannot return"),
        };
        host.Recorder.Complete(op.Handle, outcome, read);
        host.Trace.Add(host.Now, $"[c{process}] complete #{op.Handle.Id} {op.Kind} {op.Key} -> {outcome} {read}");
        _lastSeen[op.Key] = op.Kind switch
        {
            HistoryOpKind.Put => result.Value,
            HistoryOpKind.Delete => null,
            HistoryOpKind.Cas => result.Value,
            _ => read,
        };
        Completed++;
        _open = null;
        _attempt = 0;
        ScheduleNext();
    }

    private int PickTarget() =>
        _believedLeader != RaftNode.None ? _believedLeader : host.Random.Next(1, host.Options.Replicas + 1);

    private void SendAttempt(int replica)
    {
        Operation op = _open!;
        _attempt = host.NextAttemptId();
        var request = new ClientRequest(process, _attempt, op.Kind, op.Key, op.Command);
        host.Schedule(Delay(), new ClientRequestArrives(replica, request));
        host.Schedule(host.Options.AttemptTimeoutTicks * (long)Simulation.UnitsPerTick, new ClientAttemptTimeout(process, _attempt));
    }

    private long Delay() => host.Random.Next(host.Options.MinDelay, host.Options.MaxDelay + 1);

    /// <summary>An open operation; attempts with ids from <paramref name="FirstAttempt"/> on belong to it.</summary>
    private sealed record Operation(HistoryOpKind Kind, string Key, byte[]? Command, OperationHandle Handle, long Sequence, long FirstAttempt);
}
