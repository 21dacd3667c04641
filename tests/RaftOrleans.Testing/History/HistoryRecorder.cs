using System.Diagnostics;

namespace RaftOrleans.Testing.History;

/// <summary>A handle to an operation invoked through a <see cref="HistoryRecorder"/>.</summary>
/// <param name="Id">The operation's id in the history.</param>
public readonly record struct OperationHandle(long Id);

/// <summary>
/// Records a concurrent client history. Thread-safe: clients on any thread call
/// <see cref="Invoke"/> before sending a request and <see cref="Complete"/> or
/// <see cref="MarkIndeterminate"/> once they know (or give up on) the answer. Times come from one
/// clock so that invocations and completions of different clients are comparable.
/// </summary>
public sealed class HistoryRecorder
{
    private readonly Func<long> _clock;
    private readonly object _gate = new();
    private readonly List<HistoryOperation> _operations = [];
    private readonly HashSet<long> _open = [];

    /// <summary>Records with <see cref="Stopwatch.GetTimestamp"/> as the clock (real time).</summary>
    public HistoryRecorder() : this(Stopwatch.GetTimestamp) { }

    /// <summary>Records with the given monotonic clock (e.g. simulated time).</summary>
    public HistoryRecorder(Func<long> clock) => _clock = clock ?? throw new ArgumentNullException(nameof(clock));

    /// <summary>Number of operations recorded so far.</summary>
    public int Count
    {
        get { lock (_gate) return _operations.Count; }
    }

    /// <summary>Records the invocation of an operation; call just before the request leaves the client.</summary>
    public OperationHandle Invoke(int process, HistoryOpKind kind, string key, string? value = null, string? expectedValue = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (kind is HistoryOpKind.Put or HistoryOpKind.Cas && value is null)
            throw new ArgumentException($"{kind} needs the value it writes.", nameof(value));
        lock (_gate)
        {
            long id = _operations.Count;
            _operations.Add(new HistoryOperation
            {
                Id = id,
                Process = process,
                Kind = kind,
                Key = key,
                Value = value,
                ExpectedValue = expectedValue,
                InvokeTime = _clock(),
            });
            _open.Add(id);
            return new OperationHandle(id);
        }
    }

    /// <summary>Records the answer; call as soon as the client receives it.</summary>
    /// <param name="handle">The operation.</param>
    /// <param name="outcome">What the answer said.</param>
    /// <param name="readValue">See <see cref="HistoryOperation.ReadValue"/>.</param>
    public void Complete(OperationHandle handle, HistoryOutcome outcome, string? readValue = null)
    {
        lock (_gate)
        {
            Close(handle);
            long now = _clock();
            _operations[(int)handle.Id] = _operations[(int)handle.Id] with { CompleteTime = now, Outcome = outcome, ReadValue = readValue };
        }
    }

    /// <summary>Records that the client will never know the outcome (timeout, lost connection).</summary>
    public void MarkIndeterminate(OperationHandle handle)
    {
        lock (_gate) Close(handle);
    }

    /// <summary>A copy of the history so far. Operations still open appear indeterminate.</summary>
    public IReadOnlyList<HistoryOperation> Snapshot()
    {
        lock (_gate) return _operations.ToArray();
    }

    private void Close(OperationHandle handle)
    {
        if (handle.Id < 0 || handle.Id >= _operations.Count)
            throw new ArgumentException($"Unknown operation #{handle.Id}.", nameof(handle));
        if (!_open.Remove(handle.Id))
            throw new InvalidOperationException($"Operation #{handle.Id} was already completed or marked indeterminate.");
    }
}
