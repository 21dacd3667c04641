using System.Globalization;
using RaftOrleans.Grains;
using RaftOrleans.Testing.History;

namespace RaftOrleans.Testing.Workload;

/// <summary>
/// One client: operations one at a time, back to back, through the real gateway
/// (<see cref="RaftKeyValueStore"/>), on a small shared key set, with values unique in the run.
/// Every operation is recorded with its invocation and completion time; "unavailable", an
/// exception or the client's own deadline makes it indeterminate (it may or may not take effect,
/// at any time after its invocation), and the client then carries on as a new process, as a
/// Jepsen client does after a crash.
/// </summary>
public sealed class WorkloadClient
{
    private readonly int _index;
    private readonly int _seed;
    private readonly int _keys;
    private readonly Func<RaftKeyValueStore> _store;
    private readonly HistoryRecorder _recorder;
    private readonly WorkloadStats _stats;
    private readonly TimeSpan _deadline;
    private readonly Dictionary<string, string?> _lastSeen = new(StringComparer.Ordinal);
    private int _process;
    private long _written;

    /// <summary>Creates client <paramref name="index"/> of a run with <paramref name="seed"/>.</summary>
    public WorkloadClient(int index, int seed, int keys, Func<RaftKeyValueStore> store, HistoryRecorder recorder, WorkloadStats stats, TimeSpan deadline)
    {
        _index = index;
        _seed = seed;
        _keys = keys;
        _store = store;
        _recorder = recorder;
        _stats = stats;
        _deadline = deadline;
        _process = index;
    }

    /// <summary>The name of key <paramref name="i"/>.</summary>
    public static string KeyName(int i) => "k" + i.ToString(CultureInfo.InvariantCulture);

    /// <summary>Runs operations until <paramref name="stopStarting"/>; <paramref name="abandon"/> gives up on
    /// the one in flight (recorded indeterminate).</summary>
    public async Task RunAsync(CancellationToken stopStarting, CancellationToken abandon)
    {
        var random = new Random(unchecked(_seed * 7919 + _index));
        while (!stopStarting.IsCancellationRequested)
        {
            await OneOperationAsync(random, abandon);
        }
    }

    private async Task OneOperationAsync(Random random, CancellationToken abandon)
    {
        var key = KeyName(random.Next(_keys));
        var draw = random.Next(100);
        var kind = draw < 30 ? HistoryOpKind.Get : draw < 55 ? HistoryOpKind.Put : draw < 85 ? HistoryOpKind.Cas : HistoryOpKind.Delete;
        var value = string.Create(CultureInfo.InvariantCulture, $"s{_seed}.c{_index}.{++_written}");
        // Cas expects what this client last saw (a fair chance to succeed), or absence.
        var expected = kind == HistoryOpKind.Cas && random.Next(5) != 0 ? _lastSeen.GetValueOrDefault(key) : null;
        var writes = kind is HistoryOpKind.Put or HistoryOpKind.Cas;

        var handle = _recorder.Invoke(_process, kind, key, writes ? value : null, expected);
        _stats.CountInvoked();
        KvResponse response;
        try
        {
            var store = _store();
            var call = kind switch
            {
                HistoryOpKind.Put => store.PutAsync(key, value),
                HistoryOpKind.Get => store.GetAsync(key),
                HistoryOpKind.Delete => store.DeleteAsync(key),
                _ => store.CompareAndSwapAsync(key, expected is null ? CasCondition.NotExists() : CasCondition.ValueEquals(expected), value),
            };
            response = await call.WaitAsync(_deadline, abandon);
        }
        catch (Exception ex)
        {
            var cause = ex switch
            {
                OperationCanceledException => "abandoned at the end of the run",
                TimeoutException => "timeout",
                _ => ex.GetBaseException().GetType().Name,
            };
            Indeterminate(handle, cause);
            return;
        }

        if (response.Status == KvStatusCode.Unavailable)
        {
            Indeterminate(handle, "Unavailable");
            return;
        }

        switch (kind, response.Status)
        {
            case (HistoryOpKind.Put, KvStatusCode.Ok):
                Complete(handle, kind, HistoryOutcome.Ok, null);
                _lastSeen[key] = value;
                break;
            case (HistoryOpKind.Get, KvStatusCode.Ok):
                Complete(handle, kind, HistoryOutcome.Ok, response.Value);
                _lastSeen[key] = response.Value;
                break;
            case (HistoryOpKind.Get or HistoryOpKind.Delete, KvStatusCode.NotFound):
                Complete(handle, kind, HistoryOutcome.NotFound, null);
                _lastSeen[key] = null;
                break;
            case (HistoryOpKind.Delete, KvStatusCode.Ok) when response.Value is not null:
                Complete(handle, kind, HistoryOutcome.Ok, response.Value);
                _lastSeen[key] = null;
                break;
            case (HistoryOpKind.Cas, KvStatusCode.Ok):
                Complete(handle, kind, HistoryOutcome.Ok, null);
                _lastSeen[key] = value;
                break;
            case (HistoryOpKind.Cas, KvStatusCode.CasConflict):
                Complete(handle, kind, HistoryOutcome.CasConflict, response.Value);
                _lastSeen[key] = response.Value;
                break;
            default:
                // The store broke its contract; the outcome cannot be interpreted, so it is indeterminate
                // for the checker, and the run fails on the unexpected answer itself.
                _stats.AddUnexpected($"client {_index}: {kind} {key}{(writes ? $" = {value}" : "")}{(expected is null ? "" : $" expecting {expected}")} answered {response.Status} value={response.Value ?? "null"} revision={response.Revision}: {response.Message}");
                Indeterminate(handle, "unexpected answer");
                break;
        }
    }

    private void Complete(OperationHandle handle, HistoryOpKind kind, HistoryOutcome outcome, string? readValue)
    {
        _recorder.Complete(handle, outcome, readValue);
        _stats.CountOutcome(kind, outcome);
    }

    private void Indeterminate(OperationHandle handle, string cause)
    {
        _recorder.MarkIndeterminate(handle);
        _stats.CountIndeterminate(cause);
        // The operation may still take effect later: a new process id keeps "one open operation
        // per process" true in the history.
        _process += 1000;
    }
}
