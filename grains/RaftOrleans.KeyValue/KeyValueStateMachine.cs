namespace RaftOrleans.KeyValue;

/// <summary>
/// The replicated key-value store: applies committed log entries in index order and serves reads.
/// Deterministic: replicas that apply the same entries hold the same state (compare with
/// <see cref="Fingerprint"/>). Not thread-safe: one driver applies and reads.
/// <para>The keyspace is ordered (<see cref="KeyOrder"/>) and versioned as etcd's is: a store revision counts the
/// changes (every command that changes something takes the next one; a transaction's changes share one), and
/// each key carries its create revision, mod revision and version. Recent changes are kept
/// (<see cref="KeyHistory"/>) so ranges can be read at an older revision, for pages consistent at one revision.</para>
/// </summary>
public sealed partial class KeyValueStateMachine
{
    /// <summary>The default number of recent key changes kept for reads at older revisions.</summary>
    public const int DefaultHistoryEvents = 50_000;

    private readonly Dictionary<string, KeyRecord> _data = new(StringComparer.Ordinal);
    // The same keys in key order, for ranges; touched only when a key is created or deleted.
    private readonly SortedSet<string> _order = new(KeyOrder.Instance);
    private readonly KeyHistory _history;
    private readonly Dictionary<long, ClientSession> _sessions = [];
    // Sessions ordered by last activity, so the one idle longest is evicted first. Each command has
    // its own log index, so (LastIndex, ClientId) pairs are unique and the order is total.
    private readonly SortedSet<(long LastIndex, long ClientId)> _sessionsByActivity = [];

    /// <summary>Creates an empty store.</summary>
    /// <param name="maxSessions">Most client sessions kept; beyond it the session idle longest is evicted.</param>
    /// <param name="historyEvents">Most recent key changes kept for reads at older revisions (not replicated state:
    /// it only bounds how far back this replica can read).</param>
    public KeyValueStateMachine(int maxSessions = 10_000, int historyEvents = DefaultHistoryEvents)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSessions, 1);
        MaxSessions = maxSessions;
        _history = new KeyHistory(historyEvents, 0);
    }

    /// <summary>The store revision: how many changing commands have applied (0 before any).</summary>
    public long Revision { get; private set; }

    /// <summary>Most recent key changes kept for reads at older revisions.</summary>
    public int HistoryEvents => _history.MaxEvents;

    /// <summary>The oldest revision a range can be read at here (reads further back answer <see cref="KvStatus.Compacted"/>).</summary>
    public long OldestReadableRevision => _history.Floor;

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

    /// <summary>Reads a key: <see cref="KvStatus.Ok"/> with value, mod revision, create revision and version, or
    /// <see cref="KvStatus.NotFound"/>.</summary>
    public KvResult Get(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return _data.TryGetValue(key, out KeyRecord stored) ? GetResult(stored) : KvResult.NotFound;
    }

    private static KvResult GetResult(KeyRecord stored)
        => new(KvStatus.Ok, stored.Value, stored.ModRevision) { CreateRevision = stored.CreateRevision, Version = stored.Version };

    /// <summary>All keys with their values and mod revisions, in <see cref="KeyOrder"/>.</summary>
    public IEnumerable<(string Key, string Value, long Revision)> Items() =>
        _order.Select(key => (key, _data[key].Value, _data[key].ModRevision)).ToList();

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
        long next = Revision + 1;
        switch (command.Op)
        {
            case KvOp.Put:
                if (UnknownLease(command.Lease) is { } noLease) return KvResult.BadInput(noLease);
                Write(command.Key, command.Value!, next, command.Lease);
                Revision = next;
                return new KvResult(KvStatus.Ok, command.Value, next);
            case KvOp.Delete:
                if (!_data.TryGetValue(command.Key, out KeyRecord deleted)) return KvResult.NotFound;
                Remove(command.Key, next);
                Revision = next;
                return new KvResult(KvStatus.Ok, deleted.Value, next);
            case KvOp.Cas:
                bool exists = _data.TryGetValue(command.Key, out KeyRecord current);
                bool holds = command.MustNotExist ? !exists
                    : command.ExpectedRevision is long revision ? exists && current.ModRevision == revision
                    : exists && string.Equals(current.Value, command.ExpectedValue, StringComparison.Ordinal);
                if (!holds)
                    return exists ? new KvResult(KvStatus.CasConflict, current.Value, current.ModRevision) : new KvResult(KvStatus.CasConflict, null, 0);
                Write(command.Key, command.Value!, next, 0);
                Revision = next;
                return new KvResult(KvStatus.Ok, command.Value, next);
            case KvOp.DeleteRange:
                long count = RemoveRange(command.Range!, next);
                if (count > 0) Revision = next;
                return new KvResult(KvStatus.Ok, null, Revision) { Count = count };
            case KvOp.Increment:
                return Increment(command.Key, command.Delta, next);
            case KvOp.Txn:
                return ExecuteTxn(command.Txn!, next);
            case KvOp.LeaseGrant:
                return GrantLease(command.Lease, command.Ttl);
            case KvOp.LeaseRevoke:
                return RevokeLease(command.Lease, next);
            default:
                // Unreachable after validation; kept so a new op added without a case fails safe.
                return KvResult.BadInput($"unknown operation {(byte)command.Op}");
        }
    }

    private KvResult Increment(string key, long delta, long next)
    {
        long current = 0;
        if (_data.TryGetValue(key, out KeyRecord stored)
            && !long.TryParse(stored.Value, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out current))
            return KvResult.BadInput($"key '{key}' holds '{Shorten(stored.Value)}', not an integer, so it cannot be incremented");
        long sum;
        try { sum = checked(current + delta); }
        catch (OverflowException) { return KvResult.BadInput($"incrementing key '{key}' ({current}) by {delta} overflows a 64-bit integer"); }
        string value = sum.ToString(System.Globalization.CultureInfo.InvariantCulture);
        // An increment keeps the key's lease: it changes the number, not who owns the key.
        Write(key, value, next, stored.Lease);
        Revision = next;
        return new KvResult(KvStatus.Ok, value, next);
    }

    private static string Shorten(string value) => value.Length <= 32 ? value : value[..32] + "...";

    /// <summary>Writes <paramref name="key"/> at <paramref name="revision"/>: the one place a key is created or rewritten.</summary>
    private void Write(string key, string value, long revision, long lease)
    {
        KeyRecord? previous = _data.TryGetValue(key, out KeyRecord old) ? old : null;
        KeyRecord record = previous is { } p ? p.Rewritten(value, revision, lease) : KeyRecord.Created(value, revision, lease);
        _data[key] = record;
        if (previous is null) _order.Add(key);
        Attach(key, previous?.Lease ?? 0, lease);
        _changedKeys.Add(key);
        _history.Add(new KeyEvent(revision, key, record, previous));
    }

    /// <summary>Deletes a present <paramref name="key"/> at <paramref name="revision"/>: the one place a key is removed.</summary>
    private void Remove(string key, long revision)
    {
        _data.Remove(key, out KeyRecord old);
        _order.Remove(key);
        Attach(key, old.Lease, 0);
        _changedKeys.Add(key);
        _history.Add(new KeyEvent(revision, key, null, old));
    }

    private long RemoveRange(KvRange range, long revision)
    {
        var keys = CurrentKeys(range).ToList();
        foreach (string key in keys) Remove(key, revision);
        return keys.Count;
    }
}
