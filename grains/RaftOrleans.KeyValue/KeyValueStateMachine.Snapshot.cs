namespace RaftOrleans.KeyValue;

/// <summary>Snapshot, restore and fingerprint: the compaction unit and the convergence check.</summary>
public sealed partial class KeyValueStateMachine
{
    private const byte SnapshotVersion = 1;

    [Flags]
    private enum ResultParts : byte
    {
        Value = 1,
        Message = 2,
    }

    /// <summary>
    /// Serializes the whole state: applied index, keys, values, revisions and client sessions.
    /// Canonical: keys and sessions are written in sorted order, so equal states give equal bytes.
    /// </summary>
    public byte[] Snapshot()
    {
        var writer = new ByteWriter(64 + _data.Count * 32);
        writer.WriteByte(SnapshotVersion);
        writer.WriteVarInt(MaxSessions);
        writer.WriteVarInt(AppliedIndex);
        writer.WriteVarUInt((ulong)_data.Count);
        foreach ((string key, StoredValue stored) in _data.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            writer.WriteString(key, "key");
            writer.WriteString(stored.Value, "value");
            writer.WriteVarInt(stored.Revision);
        }
        writer.WriteVarUInt((ulong)_sessions.Count);
        foreach (ClientSession session in _sessions.Values.OrderBy(s => s.ClientId))
        {
            writer.WriteVarInt(session.ClientId);
            WriteSessionBody(writer, session);
        }
        return writer.ToArray();
    }

    /// <summary>Rebuilds a state machine from <see cref="Snapshot"/> bytes.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a valid snapshot.</exception>
    public static KeyValueStateMachine Restore(byte[] snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var reader = new ByteReader(snapshot);
        if (!reader.TryReadByte(out byte version)) throw Corrupt("it is empty");
        if (version != SnapshotVersion) throw Corrupt($"unknown version {version}");
        if (!reader.TryReadVarInt(out long maxSessions) || maxSessions < 1 || maxSessions > int.MaxValue) throw Corrupt("bad session limit");
        if (!reader.TryReadVarInt(out long appliedIndex) || appliedIndex < 0) throw Corrupt("bad applied index");
        var machine = new KeyValueStateMachine((int)maxSessions) { AppliedIndex = appliedIndex };

        ulong keyCount = ReadCount(ref reader, "key count");
        for (ulong i = 0; i < keyCount; i++)
        {
            if (!reader.TryReadString(out string key) || !reader.TryReadString(out string value) || !reader.TryReadVarInt(out long revision))
                throw Corrupt($"key entry {i} is truncated");
            if (!machine._data.TryAdd(key, new StoredValue(value, revision))) throw Corrupt($"key '{key}' appears twice");
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
        return machine;
    }

    private static void WriteSessionBody(ByteWriter writer, ClientSession session)
    {
        writer.WriteVarInt(session.AckedBelow);
        writer.WriteVarInt(session.LastIndex);
        writer.WriteVarUInt((ulong)session.Results.Count);
        foreach ((long sequence, KvResult result) in session.Results)
        {
            writer.WriteVarInt(sequence);
            writer.WriteByte((byte)result.Status);
            ResultParts parts = (result.Value is null ? 0 : ResultParts.Value) | (result.Message is null ? 0 : ResultParts.Message);
            writer.WriteByte((byte)parts);
            if (result.Value is not null) writer.WriteString(result.Value, "value");
            writer.WriteVarInt(result.Revision);
            if (result.Message is not null) writer.WriteString(result.Message, "message");
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

    private static KvResult ReadResult(ref ByteReader reader)
    {
        if (!reader.TryReadByte(out byte status) || status > (byte)KvStatus.BadInput || !reader.TryReadByte(out byte partsByte))
            throw Corrupt("session result is truncated or has an unknown status");
        var parts = (ResultParts)partsByte;
        if ((parts & ~(ResultParts.Value | ResultParts.Message)) != 0) throw Corrupt("session result has unknown flags");
        string? value = null, message = null;
        if ((parts & ResultParts.Value) != 0)
            value = reader.TryReadString(out string v) ? v : throw Corrupt("session result value is truncated");
        if (!reader.TryReadVarInt(out long revision)) throw Corrupt("session result revision is truncated");
        if ((parts & ResultParts.Message) != 0)
            message = reader.TryReadString(out string m) ? m : throw Corrupt("session result message is truncated");
        return new KvResult((KvStatus)status, value, revision, message);
    }

    private static InvalidDataException Corrupt(string reason) => new($"Not a valid key-value snapshot: {reason}.");
}
