using RaftOrleans.Testing.History;

namespace RaftOrleans.Consensus.Tests.Checker;

/// <summary>Builds hand-made histories. A null completion time makes the operation indeterminate.</summary>
internal sealed class HistoryBuilder
{
    private readonly List<HistoryOperation> _operations = [];

    public HistoryBuilder Put(int process, string key, string value, long invoke, long? complete) =>
        Add(process, HistoryOpKind.Put, key, value, null, invoke, complete, HistoryOutcome.Ok, null);

    /// <summary>A read that returned <paramref name="read"/>, or NotFound when it is null.</summary>
    public HistoryBuilder Get(int process, string key, string? read, long invoke, long? complete) =>
        Add(process, HistoryOpKind.Get, key, null, null, invoke, complete, read is null ? HistoryOutcome.NotFound : HistoryOutcome.Ok, read);

    /// <summary>A delete that removed <paramref name="deleted"/>, or found nothing when it is null.</summary>
    public HistoryBuilder Delete(int process, string key, string? deleted, long invoke, long? complete) =>
        Add(process, HistoryOpKind.Delete, key, null, null, invoke, complete, deleted is null ? HistoryOutcome.NotFound : HistoryOutcome.Ok, deleted);

    /// <summary>A Cas that swapped (<paramref name="current"/> unused) or conflicted seeing <paramref name="current"/>.</summary>
    public HistoryBuilder Cas(int process, string key, string? expected, string value, bool swapped, long invoke, long? complete, string? current = null) =>
        Add(process, HistoryOpKind.Cas, key, value, expected, invoke, complete,
            swapped ? HistoryOutcome.Ok : HistoryOutcome.CasConflict, swapped ? null : current);

    public IReadOnlyList<HistoryOperation> Build() => _operations.ToArray();

    private HistoryBuilder Add(int process, HistoryOpKind kind, string key, string? value, string? expected,
        long invoke, long? complete, HistoryOutcome outcome, string? read)
    {
        _operations.Add(new HistoryOperation
        {
            Id = _operations.Count,
            Process = process,
            Kind = kind,
            Key = key,
            Value = value,
            ExpectedValue = expected,
            InvokeTime = invoke,
            CompleteTime = complete,
            Outcome = complete is null ? null : outcome,
            ReadValue = complete is null ? null : read,
        });
        return this;
    }
}
