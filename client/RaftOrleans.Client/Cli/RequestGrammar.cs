using System.CommandLine;
using RaftOrleans.Client.Execution;
using RaftOrleans.Grains;

namespace RaftOrleans.Client.Cli;

/// <summary>
/// The request commands (<c>set</c>, <c>get</c>, <c>delete</c>, <c>cas</c>, <c>status</c>) and how a
/// parse result becomes a <see cref="KvRequest"/>. One grammar serves the command line and every
/// shell line, so both accept exactly the same syntax.
/// </summary>
public sealed class RequestGrammar
{
    private readonly Argument<string> _setKey = new("key") { Description = "The key." };
    private readonly Argument<string> _setValue = new("value") { Description = "The new value." };
    private readonly Argument<string> _getKey = new("key") { Description = "The key." };
    private readonly Option<bool> _stale = new("--stale") { Description = "Read any replica's copy: faster, may be out of date." };
    private readonly Argument<string> _deleteKey = new("key") { Description = "The key." };
    private readonly Argument<string> _casKey = new("key") { Description = "The key." };
    private readonly Argument<string[]> _casValues = new("values")
    {
        Description = "EXPECTED NEW (compare values), or just NEW with --expect-revision / --expect-absent.",
        Arity = new ArgumentArity(1, 2),
    };
    private readonly Option<long?> _expectRevision = new("--expect-revision") { Description = "Swap only if the key's revision is N." };
    private readonly Option<bool> _expectAbsent = new("--expect-absent") { Description = "Swap only if the key does not exist." };

    /// <summary>Creates the commands.</summary>
    public RequestGrammar()
    {
        Set = new Command("set", "Set KEY to VALUE.") { _setKey, _setValue };
        Get = new Command("get", "Print KEY's value (linearizable unless --stale).") { _getKey, _stale };
        Delete = new Command("delete", "Delete KEY.") { _deleteKey };
        Cas = new Command("cas", "Compare-and-swap: cas KEY EXPECTED NEW | cas KEY NEW --expect-revision N | cas KEY NEW --expect-absent.")
        {
            _casKey, _casValues, _expectRevision, _expectAbsent,
        };
        Cas.Validators.Add(ValidateCas);
        Status = new Command("status", "Show every replica: role, term, commit, applied, leader.");
    }

    /// <summary><c>set KEY VALUE</c>.</summary>
    public Command Set { get; }
    /// <summary><c>get KEY [--stale]</c>.</summary>
    public Command Get { get; }
    /// <summary><c>delete KEY</c>.</summary>
    public Command Delete { get; }
    /// <summary><c>cas ...</c>.</summary>
    public Command Cas { get; }
    /// <summary><c>status</c>.</summary>
    public Command Status { get; }

    /// <summary>All request commands.</summary>
    public IEnumerable<Command> Commands => [Set, Get, Delete, Cas, Status];

    /// <summary>The request <paramref name="result"/> describes, or null when its command is not a request.</summary>
    public KvRequest? Bind(ParseResult result)
    {
        Command command = result.CommandResult.Command;
        if (command == Set) return new SetRequest(result.GetValue(_setKey) ?? "", result.GetValue(_setValue) ?? "");
        if (command == Get) return new GetRequest(result.GetValue(_getKey) ?? "", result.GetValue(_stale));
        if (command == Delete) return new DeleteRequest(result.GetValue(_deleteKey) ?? "");
        if (command == Status) return new StatusRequest();
        if (command == Cas)
        {
            string key = result.GetValue(_casKey) ?? "";
            string[] values = result.GetValue(_casValues) ?? [];
            long? revision = result.GetValue(_expectRevision);
            if (revision is { } r) return new CasRequest(key, CasCondition.RevisionEquals(r), values[0]);
            if (result.GetValue(_expectAbsent)) return new CasRequest(key, CasCondition.NotExists(), values[0]);
            return new CasRequest(key, CasCondition.ValueEquals(values[0]), values[1]);
        }
        return null;
    }

    private void ValidateCas(System.CommandLine.Parsing.CommandResult result)
    {
        bool byRevision = result.GetValue(_expectRevision) is not null;
        bool absent = result.GetValue(_expectAbsent);
        int count = result.GetValue(_casValues)?.Length ?? 0;
        if (byRevision && absent)
        {
            result.AddError("cas: use either --expect-revision or --expect-absent, not both");
        }
        else if ((byRevision || absent) && count != 1)
        {
            result.AddError("cas: with --expect-revision or --expect-absent give exactly KEY NEW");
        }
        else if (!byRevision && !absent && count != 2)
        {
            result.AddError("cas: give KEY EXPECTED NEW (or KEY NEW with --expect-revision N / --expect-absent)");
        }
    }
}
