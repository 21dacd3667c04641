namespace RaftOrleans.KeyValue;

/// <summary>Snapshot, restore and fingerprint: the compaction unit and the convergence check.</summary>
public sealed partial class KeyValueStateMachine
{
    // Version 1 (before the ordered keyspace) held one revision per key: the log index of its last write.
    private const byte SnapshotVersionWithLogIndexRevisions = 1;
    private const byte SnapshotVersion = 2;

    [Flags]
    private enum ResultParts : byte
    {
        Value = 1,
        Message = 2,
        Numbers = 4,
        Entries = 8,
        Responses = 16,
        All = Value | Message | Numbers | Entries | Responses,
    }

    /// <summary>
    /// Serializes the whole state: applied index, store revision, keys with their values and revisions, and
    /// client sessions. Canonical: keys (in <see cref="KeyOrder"/>) and sessions are written in sorted order, so
    /// equal states give equal bytes. The history of recent changes is not part of it.
    /// </summary>
    public byte[] Snapshot()
    {
        var writer = new ByteWriter(64 + _data.Count * 32);
        writer.WriteByte(SnapshotVersion);
        writer.WriteVarInt(MaxSessions);
        writer.WriteVarInt(AppliedIndex);
        writer.WriteVarInt(Revision);
        WriteLeases(writer, _lastLeaseId, _leases.OrderBy(pair => pair.Key).Select(pair => new LeaseItem(pair.Key, pair.Value.Ttl)).ToList());
        writer.WriteVarUInt((ulong)_data.Count);
        foreach (string key in _order)
        {
            writer.WriteString(key, "key");
            WriteRecord(writer, _data[key]);
        }
        writer.WriteVarUInt((ulong)_sessions.Count);
        foreach (ClientSession session in _sessions.Values.OrderBy(s => s.ClientId))
        {
            writer.WriteVarInt(session.ClientId);
            WriteSessionBody(writer, session);
        }
        return writer.ToArray();
    }

    /// <summary>Rebuilds a state machine from <see cref="Snapshot"/> bytes (this version's or the one before).
    /// Its history starts empty: reads go back no further than the snapshot's revision.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a valid snapshot.</exception>
    public static KeyValueStateMachine Restore(byte[] snapshot, int historyEvents = DefaultHistoryEvents)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var reader = new ByteReader(snapshot);
        if (!reader.TryReadByte(out byte version)) throw Corrupt("it is empty");
        if (version is not (SnapshotVersion or SnapshotVersionWithLogIndexRevisions)) throw Corrupt($"unknown version {version}");
        if (!reader.TryReadVarInt(out long maxSessions) || maxSessions < 1 || maxSessions > int.MaxValue) throw Corrupt("bad session limit");
        if (!reader.TryReadVarInt(out long appliedIndex) || appliedIndex < 0) throw Corrupt("bad applied index");
        // Before store revisions, a key's revision was a log index, so the applied index is above every one of them
        // and the store revision can go on from there.
        long revision = appliedIndex;
        if (version == SnapshotVersion && (!reader.TryReadVarInt(out revision) || revision < 0)) throw Corrupt("bad store revision");
        var machine = new KeyValueStateMachine((int)maxSessions, historyEvents) { AppliedIndex = appliedIndex, Revision = revision };
        if (version == SnapshotVersion) machine.ApplyLeases(ref reader);

        ulong keyCount = ReadCount(ref reader, "key count");
        for (ulong i = 0; i < keyCount; i++)
        {
            if (!reader.TryReadString(out string key)) throw Corrupt($"key entry {i} is truncated");
            KeyRecord record = version == SnapshotVersion ? ReadRecord(ref reader, i) : ReadLogIndexRecord(ref reader, i);
            if (!machine._data.TryAdd(key, record)) throw Corrupt($"key '{key}' appears twice");
            machine._order.Add(key);
            machine.AttachRestored(key, 0, record.Lease);
        }

        ulong sessionCount = ReadCount(ref reader, "session count");
        for (ulong i = 0; i < sessionCount; i++)
        {
            if (!reader.TryReadVarInt(out long clientId)) throw Corrupt($"session {i} is truncated");
            ClientSession session = ReadSessionBody(ref reader, clientId);
            if (!machine._sessions.TryAdd(clientId, session)) throw Corrupt($"client {clientId} appears twice");
            machine._sessionsByActivity.Add((session.LastIndex, clientId));
        }
        if (reader.Remaining != 0) throw Corrupt($"{reader.Remaining} unexpected trailing bytes");
        machine._history.Reset(machine.Revision);
        return machine;
    }

    private static void WriteRecord(ByteWriter writer, KeyRecord record)
    {
        writer.WriteString(record.Value, "value");
        writer.WriteVarInt(record.CreateRevision);
        writer.WriteVarInt(record.ModRevision);
        writer.WriteVarInt(record.Version);
        writer.WriteVarInt(record.Lease);
    }

    private static KeyRecord ReadRecord(ref ByteReader reader, ulong item)
    {
        if (!reader.TryReadString(out string value) || !reader.TryReadVarInt(out long create)
            || !reader.TryReadVarInt(out long mod) || !reader.TryReadVarInt(out long version) || !reader.TryReadVarInt(out long lease))
            throw Corrupt($"key entry {item} is truncated");
        if (create < 1 || mod < create || version < 1 || lease < 0) throw Corrupt($"key entry {item} has impossible revisions ({create}, {mod}, version {version}, lease {lease})");
        return new KeyRecord(value, create, mod, version, lease);
    }

    /// <summary>A lease as snapshots and parts hold it: its granted time to live, or null for a tombstone (in a delta).</summary>
    internal readonly record struct LeaseItem(long Id, long? Ttl);

    // Leases come before keys in every format, so a key's lease is known when the key is read.
    private static void WriteLeases(ByteWriter writer, long lastLeaseId, IReadOnlyList<LeaseItem> leases)
    {
        writer.WriteVarInt(lastLeaseId);
        writer.WriteVarUInt((ulong)leases.Count);
        foreach (LeaseItem lease in leases)
        {
            writer.WriteVarInt(lease.Id);
            writer.WriteVarInt(lease.Ttl ?? 0); // a time to live is at least 1, so 0 marks a tombstone
        }
    }

    private void ApplyLeases(ref ByteReader reader)
    {
        if (!reader.TryReadVarInt(out long lastLeaseId) || lastLeaseId < _lastLeaseId) throw Corrupt("bad last lease id");
        _lastLeaseId = lastLeaseId;
        ulong count = ReadCount(ref reader, "lease count");
        for (ulong i = 0; i < count; i++)
        {
            if (!reader.TryReadVarInt(out long id) || id <= 0 || !reader.TryReadVarInt(out long ttl) || ttl < 0 || ttl > MaxLeaseTtl)
                throw Corrupt($"lease entry {i} is truncated or impossible");
            _changedLeases.Remove(id);
            if (ttl == 0)
            {
                _leases.Remove(id);
                continue;
            }
            // A lease written again keeps the keys already attached to it.
            if (_leases.TryGetValue(id, out LeaseState? held) && held.Ttl == ttl) continue;
            var state = new LeaseState(ttl);
            if (held is not null) state.Keys.UnionWith(held.Keys);
            _leases[id] = state;
        }
    }

    // Restoring: the key's lease must have been read already (leases come first).
    private void AttachRestored(string key, long oldLease, long newLease)
    {
        if (newLease != 0 && !_leases.ContainsKey(newLease)) throw Corrupt($"key '{key}' is attached to lease {newLease}, which is not in the snapshot");
        Attach(key, oldLease, newLease);
    }

    // The older formats' key: a value and the log index of its last write, which becomes both its create and mod
    // revision (its true create revision and version were never recorded).
    private static KeyRecord ReadLogIndexRecord(ref ByteReader reader, ulong item)
    {
        if (!reader.TryReadString(out string value) || !reader.TryReadVarInt(out long revision))
            throw Corrupt($"key entry {item} is truncated");
        return new KeyRecord(value, revision, revision, 1);
    }

    private static void WriteSessionBody(ByteWriter writer, ClientSession session)
    {
        writer.WriteVarInt(session.AckedBelow);
        writer.WriteVarInt(session.LastIndex);
        writer.WriteVarUInt((ulong)session.Results.Count);
        foreach ((long sequence, KvResult result) in session.Results)
        {
            writer.WriteVarInt(sequence);
            WriteResult(writer, result);
        }
    }

    private static void WriteResult(ByteWriter writer, KvResult result)
    {
        writer.WriteByte((byte)result.Status);
        bool numbers = result.CreateRevision != 0 || result.Version != 0 || result.Count != 0 || result.More || result.Succeeded;
        ResultParts parts = (result.Value is null ? 0 : ResultParts.Value) | (result.Message is null ? 0 : ResultParts.Message)
            | (numbers ? ResultParts.Numbers : 0) | (result.Entries is null ? 0 : ResultParts.Entries)
            | (result.Responses is null ? 0 : ResultParts.Responses);
        writer.WriteByte((byte)parts);
        if (result.Value is not null) writer.WriteString(result.Value, "value");
        writer.WriteVarInt(result.Revision);
        if (result.Message is not null) writer.WriteString(result.Message, "message");
        if (numbers)
        {
            writer.WriteVarInt(result.CreateRevision);
            writer.WriteVarInt(result.Version);
            writer.WriteVarInt(result.Count);
            writer.WriteByte((byte)((result.More ? 1 : 0) | (result.Succeeded ? 2 : 0)));
        }
        if (result.Entries is { } entries)
        {
            writer.WriteVarUInt((ulong)entries.Count);
            foreach (KvEntry entry in entries)
            {
                writer.WriteString(entry.Key, "key");
                writer.WriteByte(entry.Value is null ? (byte)0 : (byte)1);
                if (entry.Value is not null) writer.WriteString(entry.Value, "value");
                writer.WriteVarInt(entry.CreateRevision);
                writer.WriteVarInt(entry.ModRevision);
                writer.WriteVarInt(entry.Version);
            }
        }
        if (result.Responses is { } responses)
        {
            writer.WriteVarUInt((ulong)responses.Count);
            foreach (KvResult response in responses) WriteResult(writer, response);
        }
    }

    private static ClientSession ReadSessionBody(ref ByteReader reader, long clientId)
    {
        if (!reader.TryReadVarInt(out long ackedBelow) || !reader.TryReadVarInt(out long lastIndex))
            throw Corrupt($"session of client {clientId} is truncated");
        var session = new ClientSession(clientId) { AckedBelow = ackedBelow, LastIndex = lastIndex };
        ulong resultCount = ReadCount(ref reader, "result count");
        for (ulong r = 0; r < resultCount; r++)
            session.Results[ReadSequence(ref reader)] = ReadResult(ref reader);
        return session;
    }

    /// <summary>A deterministic hash of the whole state (data, sessions, applied index). Replicas that
    /// applied the same entries have equal fingerprints.</summary>
    public ulong Fingerprint() => Fnv1a64.Hash(Snapshot());

    private static ulong ReadCount(ref ByteReader reader, string what)
    {
        // Each element takes at least one byte, so a count above the remaining bytes is corrupt; this
        // also keeps a forged count from driving a huge loop.
        if (!reader.TryReadVarUInt(out ulong count) || count > (ulong)reader.Remaining) throw Corrupt($"bad {what}");
        return count;
    }

    private static long ReadSequence(ref ByteReader reader) =>
        reader.TryReadVarInt(out long sequence) ? sequence : throw Corrupt("session result is truncated");

    private static KvResult ReadResult(ref ByteReader reader, int depth = 0)
    {
        if (!reader.TryReadByte(out byte status) || status > (byte)KvStatus.Compacted || !reader.TryReadByte(out byte partsByte))
            throw Corrupt("session result is truncated or has an unknown status");
        var parts = (ResultParts)partsByte;
        if ((parts & ~ResultParts.All) != 0) throw Corrupt("session result has unknown flags");
        // A transaction's results hold its operations' results, which hold nothing deeper.
        if ((parts & ResultParts.Responses) != 0 && depth > 0) throw Corrupt("session result is nested too deeply");
        string? value = null, message = null;
        if ((parts & ResultParts.Value) != 0)
            value = reader.TryReadString(out string v) ? v : throw Corrupt("session result value is truncated");
        if (!reader.TryReadVarInt(out long revision)) throw Corrupt("session result revision is truncated");
        if ((parts & ResultParts.Message) != 0)
            message = reader.TryReadString(out string m) ? m : throw Corrupt("session result message is truncated");
        var result = new KvResult((KvStatus)status, value, revision, message);
        if ((parts & ResultParts.Numbers) != 0)
        {
            if (!reader.TryReadVarInt(out long create) || !reader.TryReadVarInt(out long version) || !reader.TryReadVarInt(out long count)
                || !reader.TryReadByte(out byte flags) || flags > 3)
                throw Corrupt("session result numbers are truncated");
            result = result with { CreateRevision = create, Version = version, Count = count, More = (flags & 1) != 0, Succeeded = (flags & 2) != 0 };
        }
        if ((parts & ResultParts.Entries) != 0)
        {
            ulong entryCount = ReadCount(ref reader, "entry count");
            var entries = new KvEntry[entryCount];
            for (ulong e = 0; e < entryCount; e++)
            {
                if (!reader.TryReadString(out string key) || !reader.TryReadByte(out byte hasValue) || hasValue > 1)
                    throw Corrupt("session result entry is truncated");
                string? entryValue = null;
                if (hasValue == 1) entryValue = reader.TryReadString(out string ev) ? ev : throw Corrupt("session result entry value is truncated");
                if (!reader.TryReadVarInt(out long create) || !reader.TryReadVarInt(out long mod) || !reader.TryReadVarInt(out long version))
                    throw Corrupt("session result entry revisions are truncated");
                entries[e] = new KvEntry(key, entryValue, create, mod, version);
            }
            result = result with { Entries = entries };
        }
        if ((parts & ResultParts.Responses) != 0)
        {
            ulong responseCount = ReadCount(ref reader, "response count");
            var responses = new KvResult[responseCount];
            for (ulong r = 0; r < responseCount; r++) responses[r] = ReadResult(ref reader, depth + 1);
            result = result with { Responses = responses };
        }
        return result;
    }

    private static InvalidDataException Corrupt(string reason) => new($"Not a valid key-value snapshot: {reason}.");
}
