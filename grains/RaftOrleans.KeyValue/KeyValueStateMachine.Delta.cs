namespace RaftOrleans.KeyValue;

/// <summary>
/// Incremental snapshots: the state machine remembers which keys and client sessions changed since
/// the last <see cref="TakeChanges"/>, so a snapshot costs O(changes), not O(state). Both a delta and
/// a full base are written as "parts": self-contained rows of bounded size, each carrying the applied
/// index it was taken at and a set of keys and sessions, present (with their full value) or deleted
/// (a tombstone). Applying parts in order (base first, then deltas oldest first) rebuilds the state.
/// </summary>
public sealed partial class KeyValueStateMachine
{
    // Version 2 held one revision per key (the log index of its last write) and no store revision.
    private const byte PartVersionWithLogIndexRevisions = 2;
    private const byte PartVersion = 3;
    private const byte Tombstone = 0;
    private const byte Present = 1;

    private HashSet<string> _changedKeys = new(StringComparer.Ordinal);
    private HashSet<long> _changedSessions = [];

    /// <summary>Keys changed (written or deleted) since the last <see cref="TakeChanges"/>.</summary>
    public int ChangedKeyCount => _changedKeys.Count;

    /// <summary>Client sessions changed (or evicted) since the last <see cref="TakeChanges"/>.</summary>
    public int ChangedSessionCount => _changedSessions.Count;

    /// <summary>
    /// Encodes every key and session changed since the last call, with its current value or a
    /// tombstone, as parts of about <paramref name="maxPartBytes"/> (one item larger than that gets a
    /// part of its own), and forgets the changes. Always returns at least one part, so even an empty
    /// delta records the applied index. Cost: O(changes). Same as
    /// <c>CaptureChanges().Encode(maxPartBytes)</c>.
    /// </summary>
    public IReadOnlyList<byte[]> TakeChanges(int maxPartBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPartBytes, 64);
        return CaptureChanges().Encode(maxPartBytes);
    }

    /// <summary>
    /// Captures every key and session changed since the last call, with its current value or a
    /// tombstone, and forgets the changes. The result is immutable and independent of this state
    /// machine, so the driver can encode it (<see cref="StateChanges.Encode"/>: sorting and
    /// serializing, the expensive part) on another thread while this one goes on applying. Cost:
    /// one lookup per changed key; each changed session is serialized here (sessions are mutable).
    /// </summary>
    public StateChanges CaptureChanges()
    {
        HashSet<string> keys = _changedKeys;
        HashSet<long> sessions = _changedSessions;
        _changedKeys = new(StringComparer.Ordinal);
        _changedSessions = [];
        var keyItems = new KeyItem[keys.Count];
        int k = 0;
        foreach (string key in keys) keyItems[k++] = KeyItemOf(key);
        var sessionItems = new SessionItem[sessions.Count];
        int n = 0;
        foreach (long clientId in sessions) sessionItems[n++] = SessionItemOf(clientId);
        HashSet<long> leases = _changedLeases;
        _changedLeases = [];
        var leaseItems = leases.Select(LeaseItemOf).ToArray();
        return new StateChanges(MaxSessions, AppliedIndex, Revision, _lastLeaseId, leaseItems, keyItems, sessionItems);
    }

    /// <summary>
    /// Encodes the whole state as parts of about <paramref name="maxPartBytes"/> each (a new base
    /// generation). Cost: O(state). Does not touch the change tracking.
    /// </summary>
    public IReadOnlyList<byte[]> BaseParts(int maxPartBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPartBytes, 64);
        return EncodeParts(
            MaxSessions, AppliedIndex, Revision, _lastLeaseId, _leases.Keys.Order().Select(LeaseItemOf).ToList(),
            _order.Select(KeyItemOf),
            _sessions.Keys.Order().Select(SessionItemOf),
            maxPartBytes);
    }

    private LeaseItem LeaseItemOf(long id) => new(id, _leases.TryGetValue(id, out LeaseState? lease) ? lease.Ttl : null);

    private KeyItem KeyItemOf(string key) => new(key, _data.TryGetValue(key, out KeyRecord stored) ? stored : null);

    private SessionItem SessionItemOf(long clientId)
    {
        if (!_sessions.TryGetValue(clientId, out ClientSession? session)) return new SessionItem(clientId, null);
        var body = new ByteWriter(64);
        WriteSessionBody(body, session);
        return new SessionItem(clientId, body.ToArray());
    }

    /// <summary>
    /// Rebuilds a state machine from a base followed by deltas, in the order they were taken. The
    /// first part may also be a full <see cref="Snapshot"/> (the format before parts existed). The
    /// session limit comes from the first part; <paramref name="maxSessions"/> only applies to no parts.
    /// </summary>
    /// <exception cref="InvalidDataException">A part is corrupt, or the parts go back in applied index.</exception>
    public static KeyValueStateMachine RestoreParts(IEnumerable<byte[]> parts, int maxSessions = 10_000, int historyEvents = DefaultHistoryEvents)
    {
        ArgumentNullException.ThrowIfNull(parts);
        KeyValueStateMachine? machine = null;
        foreach (byte[] part in parts)
        {
            if (machine is null && part.Length > 0 && part[0] is SnapshotVersion or SnapshotVersionWithLogIndexRevisions)
            {
                machine = Restore(part, historyEvents);
                continue;
            }
            if (machine is null)
            {
                var reader = new ByteReader(part);
                ReadPartHeader(ref reader, out long partMaxSessions, out _, out _, out _);
                machine = new KeyValueStateMachine((int)partMaxSessions, historyEvents);
            }
            machine.ApplyPart(part);
        }
        return machine ?? new KeyValueStateMachine(maxSessions, historyEvents);
    }

    /// <summary>The applied index a part was taken at (without decoding the rest).</summary>
    /// <exception cref="InvalidDataException">The bytes are not a part.</exception>
    public static long PartAppliedIndex(byte[] part)
    {
        ArgumentNullException.ThrowIfNull(part);
        var reader = new ByteReader(part);
        ReadPartHeader(ref reader, out _, out long appliedIndex, out _, out _);
        return appliedIndex;
    }

    /// <summary>Applies one base or delta part on top of the current state. The history restarts at the part's
    /// revision: what changed in between is not in a part.</summary>
    /// <exception cref="InvalidDataException">The part is corrupt or older than the state.</exception>
    public void ApplyPart(byte[] part)
    {
        ArgumentNullException.ThrowIfNull(part);
        var reader = new ByteReader(part);
        ReadPartHeader(ref reader, out long maxSessions, out long appliedIndex, out long revision, out bool logIndexRevisions);
        if (revision < Revision) throw Corrupt($"part at revision {revision} is older than the state at {Revision}");
        if (!logIndexRevisions) ApplyLeases(ref reader);
        if (maxSessions != MaxSessions) throw Corrupt($"part has session limit {maxSessions}, the state machine {MaxSessions}");
        if (appliedIndex < AppliedIndex) throw Corrupt($"part at index {appliedIndex} is older than the state at {AppliedIndex}");

        ulong keyCount = ReadCount(ref reader, "key count");
        for (ulong i = 0; i < keyCount; i++)
        {
            if (!reader.TryReadString(out string key) || !reader.TryReadByte(out byte mark)) throw Corrupt($"key entry {i} is truncated");
            if (mark == Tombstone)
            {
                if (_data.Remove(key, out KeyRecord gone))
                {
                    _order.Remove(key);
                    Attach(key, gone.Lease, 0);
                }
                continue;
            }
            if (mark != Present) throw Corrupt($"key entry {i} is badly marked");
            KeyRecord record = logIndexRevisions ? ReadLogIndexRecord(ref reader, i) : ReadRecord(ref reader, i);
            long oldLease = _data.TryGetValue(key, out KeyRecord before) ? before.Lease : 0;
            if (_data.TryAdd(key, record)) _order.Add(key);
            else _data[key] = record;
            AttachRestored(key, oldLease, record.Lease);
        }

        ulong sessionCount = ReadCount(ref reader, "session count");
        for (ulong i = 0; i < sessionCount; i++)
        {
            if (!reader.TryReadVarInt(out long clientId) || !reader.TryReadByte(out byte mark)) throw Corrupt($"session {i} is truncated");
            if (_sessions.Remove(clientId, out ClientSession? old)) _sessionsByActivity.Remove((old.LastIndex, clientId));
            if (mark == Tombstone) continue;
            if (mark != Present) throw Corrupt($"session {i} is badly marked");
            ClientSession session = ReadSessionBody(ref reader, clientId);
            _sessions.Add(clientId, session);
            _sessionsByActivity.Add((session.LastIndex, clientId));
        }
        if (reader.Remaining != 0) throw Corrupt($"{reader.Remaining} unexpected trailing bytes");
        AppliedIndex = appliedIndex;
        Revision = revision;
        _history.Reset(revision);
    }

    /// <summary>A key as a part holds it: its value, or null for a tombstone.</summary>
    internal readonly record struct KeyItem(string Key, KeyRecord? Value);

    /// <summary>A session as a part holds it: its serialized body, or null for a tombstone.</summary>
    internal readonly record struct SessionItem(long ClientId, byte[]? Body);

    /// <summary>Encodes key and session items, in the order given, as parts (see <see cref="TakeChanges"/>).</summary>
    internal static List<byte[]> EncodeParts(
        long maxSessions, long appliedIndex, long revision, long lastLeaseId, IReadOnlyList<LeaseItem> leases, IEnumerable<KeyItem> keys, IEnumerable<SessionItem> sessions, int maxPartBytes)
    {
        // Each part is written in two passes over a bounded batch: items are encoded into a body
        // buffer until it passes the limit, then the header (with the item counts) is prepended.
        var parts = new List<byte[]>();
        var keyBody = new ByteWriter(Math.Min(maxPartBytes, 1 << 16));
        int keyItems = 0;
        foreach (KeyItem item in keys)
        {
            keyBody.WriteString(item.Key, "key");
            if (item.Value is { } stored)
            {
                keyBody.WriteByte(Present);
                WriteRecord(keyBody, stored);
            }
            else
            {
                keyBody.WriteByte(Tombstone);
            }
            keyItems++;
            if (keyBody.Length >= maxPartBytes)
            {
                parts.Add(Part(maxSessions, appliedIndex, revision, lastLeaseId, parts.Count == 0 ? leases : [], keyBody, keyItems, null, 0));
                keyBody = new ByteWriter(Math.Min(maxPartBytes, 1 << 16));
                keyItems = 0;
            }
        }

        var sessionBody = new ByteWriter(256);
        int sessionItems = 0;
        foreach (SessionItem item in sessions)
        {
            sessionBody.WriteVarInt(item.ClientId);
            if (item.Body is { } body)
            {
                sessionBody.WriteByte(Present);
                sessionBody.WriteBytes(body);
            }
            else
            {
                sessionBody.WriteByte(Tombstone);
            }
            sessionItems++;
            if (keyBody.Length + sessionBody.Length >= maxPartBytes)
            {
                parts.Add(Part(maxSessions, appliedIndex, revision, lastLeaseId, parts.Count == 0 ? leases : [], keyBody, keyItems, sessionBody, sessionItems));
                keyBody = new ByteWriter(64);
                keyItems = 0;
                sessionBody = new ByteWriter(256);
                sessionItems = 0;
            }
        }
        if (keyItems > 0 || sessionItems > 0 || parts.Count == 0) parts.Add(Part(maxSessions, appliedIndex, revision, lastLeaseId, parts.Count == 0 ? leases : [], keyBody, keyItems, sessionBody, sessionItems));
        return parts;
    }

    private static byte[] Part(long maxSessions, long appliedIndex, long revision, long lastLeaseId, IReadOnlyList<LeaseItem> leases, ByteWriter keyBody, int keyItems, ByteWriter? sessionBody, int sessionItems)
    {
        var header = new ByteWriter(32);
        header.WriteByte(PartVersion);
        header.WriteVarInt(maxSessions);
        header.WriteVarInt(appliedIndex);
        header.WriteVarInt(revision);
        WriteLeases(header, lastLeaseId, leases);
        header.WriteVarUInt((ulong)keyItems);
        byte[] keys = keyBody.ToArray();
        var count = new ByteWriter(16);
        count.WriteVarUInt((ulong)sessionItems);
        byte[] sessionCount = count.ToArray();
        byte[] sessions = sessionBody?.ToArray() ?? [];
        byte[] head = header.ToArray();
        var part = new byte[head.Length + keys.Length + sessionCount.Length + sessions.Length];
        head.CopyTo(part, 0);
        keys.CopyTo(part, head.Length);
        sessionCount.CopyTo(part, head.Length + keys.Length);
        sessions.CopyTo(part, head.Length + keys.Length + sessionCount.Length);
        return part;
    }

    private static void ReadPartHeader(ref ByteReader reader, out long maxSessions, out long appliedIndex, out long revision, out bool logIndexRevisions)
    {
        if (!reader.TryReadByte(out byte version)) throw Corrupt("part is empty");
        if (version is not (PartVersion or PartVersionWithLogIndexRevisions)) throw Corrupt($"unknown part version {version}");
        if (!reader.TryReadVarInt(out maxSessions) || maxSessions < 1 || maxSessions > int.MaxValue) throw Corrupt("bad session limit");
        if (!reader.TryReadVarInt(out appliedIndex) || appliedIndex < 0) throw Corrupt("bad applied index");
        logIndexRevisions = version == PartVersionWithLogIndexRevisions;
        // Before store revisions a key's revision was a log index, so the applied index is above every one of them.
        revision = appliedIndex;
        if (!logIndexRevisions && (!reader.TryReadVarInt(out revision) || revision < 0)) throw Corrupt("bad store revision");
    }
}
