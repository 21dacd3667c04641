using RaftOrleans.Testing.History;

namespace RaftOrleans.Testing.Linearizability;

/// <summary>
/// An operation compiled for the search: values interned to small integers (0 = absent), times as
/// longs with <see cref="long.MaxValue"/> for an indeterminate operation's completion.
/// </summary>
internal readonly record struct RegisterOp(
    HistoryOperation Source,
    HistoryOpKind Kind,
    HistoryOutcome? Outcome,
    int Value,
    int Expected,
    int Read,
    bool ReadKnown,
    long Invoke,
    long Return)
{
    public const int Absent = 0;

    public bool Pending => Outcome is null;

    /// <summary>
    /// The sequential specification: a register that may be absent. Returns false if the operation
    /// cannot have produced its recorded outcome from <paramref name="state"/>. A pending operation
    /// takes the one effect the state dictates (it may also never take effect, which the search
    /// covers by not linearizing it).
    /// </summary>
    public bool Step(int state, out int next)
    {
        next = state;
        switch (Kind)
        {
            case HistoryOpKind.Put:
                next = Value;
                return Pending || Outcome == HistoryOutcome.Ok;
            case HistoryOpKind.Get:
                return Outcome switch
                {
                    HistoryOutcome.Ok => state != Absent && state == Read,
                    HistoryOutcome.NotFound => state == Absent,
                    _ => false,
                };
            case HistoryOpKind.Delete:
                next = Absent;
                return Outcome switch
                {
                    null => true,
                    HistoryOutcome.Ok => state != Absent && (!ReadKnown || state == Read),
                    HistoryOutcome.NotFound => state == Absent,
                    _ => false,
                };
            case HistoryOpKind.Cas:
                bool holds = state == Expected;
                switch (Outcome)
                {
                    case null:
                        if (holds) next = Value;
                        return true;
                    case HistoryOutcome.Ok:
                        next = Value;
                        return holds;
                    case HistoryOutcome.CasConflict:
                        return !holds && state == Read;
                    default:
                        return false;
                }
            default:
                return false;
        }
    }

    /// <summary>Values this operation shows the key held (its observations), or the value
    /// it needs to find there. Used to tell which indeterminate writes can matter.</summary>
    public IEnumerable<int> Observed()
    {
        if (Kind == HistoryOpKind.Get && Outcome == HistoryOutcome.Ok) yield return Read;
        if (Kind == HistoryOpKind.Cas && Expected != Absent) yield return Expected;
        if (Kind == HistoryOpKind.Cas && Outcome == HistoryOutcome.CasConflict && Read != Absent) yield return Read;
        if (Kind == HistoryOpKind.Delete && Outcome == HistoryOutcome.Ok && ReadKnown) yield return Read;
    }
}
