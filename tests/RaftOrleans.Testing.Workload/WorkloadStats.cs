using System.Text;
using RaftOrleans.Testing.History;

namespace RaftOrleans.Testing.Workload;

/// <summary>Counts of what the clients saw, for the run report. Thread-safe.</summary>
public sealed class WorkloadStats
{
    private readonly object _gate = new();
    private readonly Dictionary<string, int> _outcomes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _indeterminateCauses = new(StringComparer.Ordinal);
    private readonly List<string> _unexpected = [];

    /// <summary>Operations invoked.</summary>
    public int Invoked { get; private set; }

    /// <summary>Operations whose outcome the client never learned.</summary>
    public int Indeterminate { get; private set; }

    /// <summary>Answers a correct store never gives to a well-formed request (a bad-input answer to a
    /// valid command, a delete without the deleted value, ...). Each fails the run.</summary>
    public IReadOnlyList<string> Unexpected
    {
        get { lock (_gate) return _unexpected.ToArray(); }
    }

    /// <summary>Counts <c>kind/outcome</c> pairs, e.g. <c>Cas/CasConflict</c>.</summary>
    public IReadOnlyDictionary<string, int> Outcomes
    {
        get { lock (_gate) return new Dictionary<string, int>(_outcomes, StringComparer.Ordinal); }
    }

    /// <summary>Records an invocation.</summary>
    public void CountInvoked()
    {
        lock (_gate) Invoked++;
    }

    /// <summary>Records a determinate outcome.</summary>
    public void CountOutcome(HistoryOpKind kind, HistoryOutcome outcome)
    {
        var key = $"{kind}/{outcome}";
        lock (_gate) _outcomes[key] = _outcomes.GetValueOrDefault(key) + 1;
    }

    /// <summary>Records an indeterminate operation and why.</summary>
    public void CountIndeterminate(string cause)
    {
        lock (_gate)
        {
            Indeterminate++;
            _indeterminateCauses[cause] = _indeterminateCauses.GetValueOrDefault(cause) + 1;
        }
    }

    /// <summary>Records an answer no correct store gives.</summary>
    public void AddUnexpected(string description)
    {
        lock (_gate) _unexpected.Add(description);
    }

    /// <summary>A summary such as <c>Put/Ok=120 Get/Ok=80 ...; indeterminate 7 (Unavailable=5, TimeoutException=2)</c>.</summary>
    public override string ToString()
    {
        lock (_gate)
        {
            var sb = new StringBuilder();
            sb.Append(string.Join(" ", _outcomes.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}")));
            sb.Append($"; indeterminate {Indeterminate}");
            if (_indeterminateCauses.Count > 0)
            {
                sb.Append(" (").Append(string.Join(", ", _indeterminateCauses.OrderByDescending(p => p.Value).Select(p => $"{p.Key}={p.Value}"))).Append(')');
            }
            return sb.ToString();
        }
    }
}
