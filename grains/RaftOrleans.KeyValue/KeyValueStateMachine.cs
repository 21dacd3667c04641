namespace RaftOrleans.KeyValue;

/// <summary>
/// The replicated key-value store: applies committed log entries in index order and serves reads.
/// Deterministic: replicas that apply the same entries hold the same state (compare with
/// <see cref="Fingerprint"/>). Not thread-safe: one driver applies and reads.
/// <para>A key's revision is the log index that last wrote it, so revisions grow monotonically
/// across the whole store (like etcd's mod_revision).</para>
/// </summary>
public sealed partial class KeyValueStateMachine
{
    private readonly Dictionary<string, StoredValue> _data = new(StringComparer.Ordinal);
    private readonly Dictionary<long, ClientSession> _sessions = [];
    // Sessions ordered by last activity, so the one idle longest is evicted first. Each command has
    // its own log index, so (LastIndex, ClientId) pairs are unique and the order is total.
    private readonly SortedSet<(long LastIndex, long ClientId)> _sessionsByActivity = [];

    /// <summary>Creates an empty store.</summary>
    /// <param name="maxSessions">Most client sessions kept; beyond it the session idle longest is evicted.</param>
    public KeyValueStateMachine(int maxSessions = 10_000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSessions, 1);
        MaxSessions = maxSessions;
    }

    /// <summary>Most client sessions kept.</summary>
    public int MaxSessions { get; }

    /// <summary>The index of the last entry applied (0 before any).</summary>
    public long AppliedIndex { get; private set; }

    /// <summary>Number of keys present.</summary>
    public int Count => _data.Count;

    /// <summary>Number of client sessions held.</summary>
    public int SessionCount => _sessions.Count;

    /// <summary>Applies the command of log entry <paramref name="index"/>. Malformed, invalid or stale
    /// commands apply as <see cref="KvStatus.BadInput"/> and change nothing but <see cref="AppliedIndex"/>.</summary>
    /// <exception cref="InvalidOperationException"><paramref name="index"/> is not <c>AppliedIndex + 1</c>.</exception>
    public KvResult Apply(long index, byte[] command)
    {
        ArgumentNullException.ThrowIfNull(command);
        AdvanceTo(index);
        if (!KvCommandCodec.TryDecode(command, out KvCommand? decoded, out string? decodeError))
            return KvResult.BadInput($"malformed command: {decodeError}");
        if (KvLimits.Ceiling.Validate(decoded!) is string invalid)
            return KvResult.BadInput(invalid);
        return decoded!.ClientId == 0 ? Execute(decoded, index) : ExecuteInSession(decoded, index);
    }

    /// <summary>Applies a leader's no-op entry: only <see cref="AppliedIndex"/> moves.</summary>
    /// <exception cref="InvalidOperationException"><paramref name="index"/> is not <c>AppliedIndex + 1</c>.</exception>
    public void ApplyNoop(long index) => AdvanceTo(index);

    /// <summary>Reads a key: <see cref="KvStatus.Ok"/> with value and revision, or <see cref="KvStatus.NotFound"/>.</summary>
    public KvResult Get(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return _data.TryGetValue(key, out StoredValue stored)
            ? new KvResult(KvStatus.Ok, stored.Value, stored.Revision)
            : KvResult.NotFound;
    }

    /// <summary>All keys with their values and revisions, in ordinal key order.</summary>
    public IEnumerable<(string Key, string Value, long Revision)> Items() =>
        _data.OrderBy(pair => pair.Key, StringComparer.Ordinal)
            .Select(pair => (pair.Key, pair.Value.Value, pair.Value.Revision))
            .ToList();

    private void AdvanceTo(long index)
    {
        if (index != AppliedIndex + 1)
            throw new InvalidOperationException($"Entry {index} applied out of order: the next index to apply is {AppliedIndex + 1}.");
        AppliedIndex = index;
    }

    private KvResult ExecuteInSession(KvCommand command, long index)
    {
        if (_sessions.TryGetValue(command.ClientId, out ClientSession? session))
        {
            if (command.Sequence < session.AckedBelow)
                return KvResult.BadInput($"stale retry: client {command.ClientId} sequence {command.Sequence} is below its acknowledged sequence {session.AckedBelow}");
            if (session.Results.TryGetValue(command.Sequence, out KvResult cached))
            {
                // A retry of a command that already applied: answer as the first time, change nothing
                // but the session's activity (it is plainly not idle).
                Touch(session, index);
                session.Acknowledge(command.AckedBelow);
                return cached;
            }
        }
        else
        {
            session = OpenSession(command.ClientId);
        }

        KvResult result = Execute(command, index);
        session.Results[command.Sequence] = result;
        session.Acknowledge(command.AckedBelow);
        Touch(session, index);
        return result;
    }

    private ClientSession OpenSession(long clientId)
    {
        if (_sessions.Count >= MaxSessions)
        {
            (long _, long idlest) = _sessionsByActivity.Min;
            _sessionsByActivity.Remove(_sessionsByActivity.Min);
            _sessions.Remove(idlest);
            _changedSessions.Add(idlest);
        }
        var session = new ClientSession(clientId);
        _sessions.Add(clientId, session);
        _sessionsByActivity.Add((session.LastIndex, clientId));
        return session;
    }

    private void Touch(ClientSession session, long index)
    {
        _sessionsByActivity.Remove((session.LastIndex, session.ClientId));
        session.LastIndex = index;
        _sessionsByActivity.Add((index, session.ClientId));
        // Every change to a session (new result, acknowledgement) ends with a touch.
        _changedSessions.Add(session.ClientId);
    }

    private KvResult Execute(KvCommand command, long index)
    {
        switch (command.Op)
        {
            case KvOp.Put:
                _data[command.Key] = new StoredValue(command.Value!, index);
                _changedKeys.Add(command.Key);
                return new KvResult(KvStatus.Ok, command.Value, index);
            case KvOp.Delete:
                if (!_data.Remove(command.Key, out StoredValue deleted)) return KvResult.NotFound;
                _changedKeys.Add(command.Key);
                return new KvResult(KvStatus.Ok, deleted.Value, index);
            case KvOp.Cas:
                bool exists = _data.TryGetValue(command.Key, out StoredValue current);
                bool holds = command.MustNotExist ? !exists
                    : command.ExpectedRevision is long revision ? exists && current.Revision == revision
                    : exists && string.Equals(current.Value, command.ExpectedValue, StringComparison.Ordinal);
                if (!holds)
                    return exists ? new KvResult(KvStatus.CasConflict, current.Value, current.Revision) : new KvResult(KvStatus.CasConflict, null, 0);
                _data[command.Key] = new StoredValue(command.Value!, index);
                _changedKeys.Add(command.Key);
                return new KvResult(KvStatus.Ok, command.Value, index);
            default:
                // Unreachable after validation; kept so a new op added without a case fails safe.
                return KvResult.BadInput($"unknown operation {(byte)command.Op}");
        }
    }

    internal readonly record struct StoredValue(string Value, long Revision);
}
