using System.Globalization;

namespace RaftOrleans.Testing.History;

/// <summary>
/// One client operation as the client saw it: when it was invoked, when (if ever) it completed and
/// what it observed. An operation without a completion time is indeterminate (the client gave up or
/// crashed): it may have taken effect at any time after its invocation, or never.
/// </summary>
public sealed record HistoryOperation
{
    /// <summary>Unique id within the history (used in explanations).</summary>
    public required long Id { get; init; }

    /// <summary>The client (process) that issued it. A process has at most one operation open at a time.</summary>
    public required int Process { get; init; }

    /// <summary>The operation.</summary>
    public required HistoryOpKind Kind { get; init; }

    /// <summary>The key it acts on.</summary>
    public required string Key { get; init; }

    /// <summary>Put / Cas: the value written.</summary>
    public string? Value { get; init; }

    /// <summary>Cas: the value the key must hold for the swap to happen; null means the key must be absent.</summary>
    public string? ExpectedValue { get; init; }

    /// <summary>When the client invoked it (any monotonic clock shared by all processes).</summary>
    public required long InvokeTime { get; init; }

    /// <summary>When the client received the answer; null if it never did (indeterminate).</summary>
    public long? CompleteTime { get; init; }

    /// <summary>What the answer said; null when indeterminate.</summary>
    public HistoryOutcome? Outcome { get; init; }

    /// <summary>
    /// What the answer showed of the key's state: Get <see cref="HistoryOutcome.Ok"/>: the value read;
    /// Cas <see cref="HistoryOutcome.CasConflict"/>: the current value seen (null = absent);
    /// Delete <see cref="HistoryOutcome.Ok"/>: the value deleted (null = not recorded, any value).
    /// </summary>
    public string? ReadValue { get; init; }

    /// <summary>True when the client never learned the outcome.</summary>
    public bool IsIndeterminate => CompleteTime is null;

    /// <summary>A one-line description such as <c>#12 p3 Cas(k1, "a" -> "b") [100..140] CasConflict "c"</c>.</summary>
    public override string ToString()
    {
        string call = Kind switch
        {
            HistoryOpKind.Put => $"Put({Key}, {Quote(Value)})",
            HistoryOpKind.Get => $"Get({Key})",
            HistoryOpKind.Delete => $"Delete({Key})",
            _ => $"Cas({Key}, {(ExpectedValue is null ? "absent" : Quote(ExpectedValue))} -> {Quote(Value)})",
        };
        string end = CompleteTime?.ToString(CultureInfo.InvariantCulture) ?? "?";
        string answer = Outcome is null ? "indeterminate"
            : ShowsReadValue ? $"{Outcome} {(ReadValue is null ? "absent" : Quote(ReadValue))}"
            : Outcome.ToString()!;
        return $"#{Id} p{Process} {call} [{InvokeTime}..{end}] {answer}";
    }

    private bool ShowsReadValue => (Kind, Outcome) is (HistoryOpKind.Get, HistoryOutcome.Ok) or (HistoryOpKind.Cas, HistoryOutcome.CasConflict)
        || (Kind == HistoryOpKind.Delete && Outcome == HistoryOutcome.Ok && ReadValue is not null);

    private static string Quote(string? value) => value is null ? "null" : $"\"{value}\"";
}
