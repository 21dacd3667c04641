namespace RaftOrleans.KeyValue;

/// <summary>
/// The keys and client sessions a state machine changed between two snapshots, captured at one
/// applied index by <see cref="KeyValueStateMachine.CaptureChanges"/>: each key with its value then
/// (or a tombstone), each session already serialized. Immutable and detached from the state
/// machine, so <see cref="Encode"/> may run on any thread while the state machine applies more.
/// </summary>
public sealed class StateChanges
{
    private readonly long _maxSessions;
    private readonly long _lastLeaseId;
    private readonly KeyValueStateMachine.LeaseItem[] _leases;
    private readonly KeyValueStateMachine.KeyItem[] _keys;
    private readonly KeyValueStateMachine.SessionItem[] _sessions;

    internal StateChanges(long maxSessions, long appliedIndex, long revision, long lastLeaseId, KeyValueStateMachine.LeaseItem[] leases, KeyValueStateMachine.KeyItem[] keys, KeyValueStateMachine.SessionItem[] sessions)
    {
        _maxSessions = maxSessions;
        AppliedIndex = appliedIndex;
        Revision = revision;
        _lastLeaseId = lastLeaseId;
        _leases = leases;
        _keys = keys;
        _sessions = sessions;
    }

    /// <summary>The applied index the changes were captured at.</summary>
    public long AppliedIndex { get; }

    /// <summary>The store revision at capture.</summary>
    public long Revision { get; }

    /// <summary>Keys changed (written or deleted).</summary>
    public int KeyCount => _keys.Length;

    /// <summary>
    /// The delta's parts of about <paramref name="maxPartBytes"/> each (at least one, so an empty
    /// delta still records the applied index). Keys and sessions are sorted, so replicas with the
    /// same history write the same bytes. Cost: O(changes log changes); thread-safe.
    /// </summary>
    public IReadOnlyList<byte[]> Encode(int maxPartBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPartBytes, 64);
        return KeyValueStateMachine.EncodeParts(
            _maxSessions, AppliedIndex, Revision, _lastLeaseId, _leases.OrderBy(l => l.Id).ToList(),
            _keys.OrderBy(k => k.Key, KeyOrder.Instance),
            _sessions.OrderBy(s => s.ClientId),
            maxPartBytes);
    }
}
