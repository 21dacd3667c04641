namespace RaftOrleans.KeyValue;

/// <summary>
/// The binary form of a <see cref="KvCommand"/> in the Raft log. Layout (version 1):
/// <c>version(1) op(1) flags(1) key [value] [expectedValue] [expectedRevision] [clientId sequence ackedBelow]</c>,
/// strings as varint length + UTF-8, numbers as zig-zag varints. Optional parts are present only
/// when their flag is set, so a plain Put of a short key costs a few bytes over the key and value.
/// The version byte comes first so a later format can be read next to this one during an upgrade.
/// <para>Version 2 carries the operations that name several keys or a number (<see cref="KvOp.DeleteRange"/>,
/// <see cref="KvOp.Increment"/>, <see cref="KvOp.Txn"/>): <c>version(2) op(1) flags(1) [clientId sequence ackedBelow] body</c>,
/// see <see cref="KvCommandCodec"/>'s private writers. Put, Delete and Cas stay in version 1, so their bytes are
/// unchanged. Every silo must run a build that reads version 2 before a client sends one: an older build applies
/// it as BadInput.</para>
/// Decoding accepts only the canonical form (shortest varints, no empty optional parts, no trailing
/// bytes), so every decoded command re-encodes to exactly the bytes it came from.
/// </summary>
public static class KvCommandCodec
{
    /// <summary>The format version this build writes.</summary>
    public const byte CurrentVersion = 1;

    /// <summary>The format version of the multi-key operations.</summary>
    public const byte MultiKeyVersion = 2;

    private enum RangeShape : byte
    {
        Single = 0,
        Prefix = 1,
        Interval = 2,
    }

    [Flags]
    private enum Parts : byte
    {
        Value = 1,
        ExpectedValue = 2,
        ExpectedRevision = 4,
        MustNotExist = 8,
        Session = 16,
        Lease = 32,
        All = Value | ExpectedValue | ExpectedRevision | MustNotExist | Session | Lease,
    }

    /// <summary>Encodes a command. Throws <see cref="ArgumentException"/> if a string holds a lone
    /// UTF-16 surrogate (it has no UTF-8 form); call <see cref="KvLimits.Validate"/> first to get a
    /// readable message instead.</summary>
    public static byte[] Encode(KvCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(command.Key);
        if (command.Op is KvOp.DeleteRange or KvOp.Increment or KvOp.Txn or KvOp.LeaseGrant or KvOp.LeaseRevoke) return EncodeMultiKey(command);
        Parts parts = 0;
        if (command.Value is not null) parts |= Parts.Value;
        if (command.ExpectedValue is not null) parts |= Parts.ExpectedValue;
        if (command.ExpectedRevision is not null) parts |= Parts.ExpectedRevision;
        if (command.MustNotExist) parts |= Parts.MustNotExist;
        if (command.Lease != 0) parts |= Parts.Lease;
        if (command.ClientId != 0 || command.Sequence != 0 || command.AckedBelow != 0) parts |= Parts.Session;

        var writer = new ByteWriter(16 + command.Key.Length + (command.Value?.Length ?? 0));
        writer.WriteByte(CurrentVersion);
        writer.WriteByte((byte)command.Op);
        writer.WriteByte((byte)parts);
        writer.WriteString(command.Key, "key");
        if (command.Value is not null) writer.WriteString(command.Value, "value");
        if (command.ExpectedValue is not null) writer.WriteString(command.ExpectedValue, "expected value");
        if (command.ExpectedRevision is long revision) writer.WriteVarInt(revision);
        if (command.Lease != 0) writer.WriteVarInt(command.Lease);
        if ((parts & Parts.Session) != 0)
        {
            writer.WriteVarInt(command.ClientId);
            writer.WriteVarInt(command.Sequence);
            writer.WriteVarInt(command.AckedBelow);
        }
        return writer.ToArray();
    }

    /// <summary>Decodes a command. Never throws: on malformed input returns false with a reason in
    /// <paramref name="error"/>. Checks structure only; <see cref="KvLimits.Validate"/> checks meaning.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> data, out KvCommand? command, out string? error)
    {
        command = null;
        var reader = new ByteReader(data);
        if (!reader.TryReadByte(out byte version)) return Fail("command is empty", out error);
        if (version == MultiKeyVersion) return TryDecodeMultiKey(data, ref reader, out command, out error);
        if (version != CurrentVersion) return Fail($"unknown command format version {version}", out error);
        if (!reader.TryReadByte(out byte opByte)) return Fail("command is truncated before its operation", out error);
        var op = (KvOp)opByte;
        if (op is not (KvOp.Put or KvOp.Delete or KvOp.Cas)) return Fail($"unknown operation {opByte}", out error);
        if (!reader.TryReadByte(out byte partsByte)) return Fail("command is truncated before its flags", out error);
        var parts = (Parts)partsByte;
        if ((parts & ~Parts.All) != 0) return Fail($"unknown flags 0x{partsByte:x2}", out error);
        if (!reader.TryReadString(out string key)) return Fail("key is truncated or not valid UTF-8", out error);

        string? value = null, expectedValue = null;
        long? expectedRevision = null;
        long clientId = 0, sequence = 0, ackedBelow = 0;
        if ((parts & Parts.Value) != 0)
        {
            if (!reader.TryReadString(out string read)) return Fail("value is truncated or not valid UTF-8", out error);
            value = read;
        }
        if ((parts & Parts.ExpectedValue) != 0)
        {
            if (!reader.TryReadString(out string read)) return Fail("expected value is truncated or not valid UTF-8", out error);
            expectedValue = read;
        }
        if ((parts & Parts.ExpectedRevision) != 0)
        {
            if (!reader.TryReadVarInt(out long revision)) return Fail("expected revision is truncated", out error);
            expectedRevision = revision;
        }
        long lease = 0;
        if ((parts & Parts.Lease) != 0 && (!reader.TryReadVarInt(out lease) || lease == 0)) return Fail("lease is truncated or zero", out error);
        if ((parts & Parts.Session) != 0
            && !(reader.TryReadVarInt(out clientId) && reader.TryReadVarInt(out sequence) && reader.TryReadVarInt(out ackedBelow)))
            return Fail("session fields are truncated", out error);
        if ((parts & Parts.Session) != 0 && clientId == 0 && sequence == 0 && ackedBelow == 0)
            return Fail("session flag set without session fields", out error);
        if (reader.Remaining != 0) return Fail($"{reader.Remaining} unexpected trailing bytes", out error);

        command = new KvCommand
        {
            Op = op,
            Key = key,
            Value = value,
            ExpectedValue = expectedValue,
            ExpectedRevision = expectedRevision,
            MustNotExist = (parts & Parts.MustNotExist) != 0,
            Lease = lease,
            ClientId = clientId,
            Sequence = sequence,
            AckedBelow = ackedBelow,
        };
        error = null;
        return true;
    }

    private static byte[] EncodeMultiKey(KvCommand command)
    {
        bool session = command.ClientId != 0 || command.Sequence != 0 || command.AckedBelow != 0;
        var writer = new ByteWriter(64);
        writer.WriteByte(MultiKeyVersion);
        writer.WriteByte((byte)command.Op);
        writer.WriteByte(session ? (byte)Parts.Session : (byte)0);
        if (session)
        {
            writer.WriteVarInt(command.ClientId);
            writer.WriteVarInt(command.Sequence);
            writer.WriteVarInt(command.AckedBelow);
        }
        switch (command.Op)
        {
            case KvOp.DeleteRange:
                WriteRange(writer, command.Range ?? throw new ArgumentException("DeleteRange needs a range."), read: false);
                break;
            case KvOp.Increment:
                writer.WriteString(command.Key, "key");
                writer.WriteVarInt(command.Delta);
                break;
            case KvOp.LeaseGrant:
                writer.WriteVarInt(command.Lease);
                writer.WriteVarInt(command.Ttl);
                break;
            case KvOp.LeaseRevoke:
                writer.WriteVarInt(command.Lease);
                break;
            default:
                KvTxn txn = command.Txn ?? throw new ArgumentException("Txn needs a transaction.");
                writer.WriteVarUInt((ulong)txn.Compares.Count);
                foreach (KvCompare compare in txn.Compares)
                {
                    writer.WriteString(compare.Key, "compare key");
                    writer.WriteByte((byte)compare.Target);
                    writer.WriteByte((byte)compare.Operator);
                    if (compare.Target == KvCompareTarget.Value) writer.WriteString(compare.Value ?? "", "compare value");
                    else writer.WriteVarInt(compare.Number);
                }
                WriteBranch(writer, txn.Success);
                WriteBranch(writer, txn.Failure);
                break;
        }
        return writer.ToArray();
    }

    private static void WriteBranch(ByteWriter writer, IReadOnlyList<KvTxnOp> ops)
    {
        writer.WriteVarUInt((ulong)ops.Count);
        foreach (KvTxnOp op in ops)
        {
            writer.WriteByte((byte)op.Kind);
            WriteRange(writer, op.Range, read: op.Kind == KvTxnOpKind.Range);
            if (op.Kind != KvTxnOpKind.Put) continue;
            writer.WriteString(op.Value ?? "", "value");
            writer.WriteVarInt(op.Lease);
        }
    }

    private static void WriteRange(ByteWriter writer, KvRange range, bool read)
    {
        writer.WriteString(range.Key, "key");
        RangeShape shape = range.Prefix ? RangeShape.Prefix : range.RangeEnd is null ? RangeShape.Single : RangeShape.Interval;
        writer.WriteByte((byte)shape);
        if (shape == RangeShape.Interval) writer.WriteString(range.RangeEnd!, "range end");
        if (!read) return;
        writer.WriteVarInt(range.Limit);
        writer.WriteByte((byte)((range.KeysOnly ? 1 : 0) | (range.CountOnly ? 2 : 0)));
    }

    private static bool TryDecodeMultiKey(ReadOnlySpan<byte> data, ref ByteReader reader, out KvCommand? command, out string? error)
    {
        command = null;
        if (!reader.TryReadByte(out byte opByte)) return Fail("command is truncated before its operation", out error);
        var op = (KvOp)opByte;
        if (op is not (KvOp.DeleteRange or KvOp.Increment or KvOp.Txn or KvOp.LeaseGrant or KvOp.LeaseRevoke)) return Fail($"unknown operation {opByte} in format version {MultiKeyVersion}", out error);
        if (!reader.TryReadByte(out byte partsByte)) return Fail("command is truncated before its flags", out error);
        if ((partsByte & ~(byte)Parts.Session) != 0) return Fail($"unknown flags 0x{partsByte:x2}", out error);
        long clientId = 0, sequence = 0, ackedBelow = 0;
        if (partsByte != 0 && !(reader.TryReadVarInt(out clientId) && reader.TryReadVarInt(out sequence) && reader.TryReadVarInt(out ackedBelow)))
            return Fail("session fields are truncated", out error);
        var decoded = new KvCommand { Op = op, Key = "", ClientId = clientId, Sequence = sequence, AckedBelow = ackedBelow };
        switch (op)
        {
            case KvOp.DeleteRange:
                if (!TryReadRange(ref reader, read: false, out KvRange? range)) return Fail("range is truncated or malformed", out error);
                decoded = decoded with { Range = range };
                break;
            case KvOp.Increment:
                if (!reader.TryReadString(out string key) || !reader.TryReadVarInt(out long delta)) return Fail("increment is truncated", out error);
                decoded = decoded with { Key = key, Delta = delta };
                break;
            case KvOp.LeaseGrant:
                if (!reader.TryReadVarInt(out long grantId) || !reader.TryReadVarInt(out long ttl)) return Fail("lease grant is truncated", out error);
                decoded = decoded with { Lease = grantId, Ttl = ttl };
                break;
            case KvOp.LeaseRevoke:
                if (!reader.TryReadVarInt(out long revokeId)) return Fail("lease revoke is truncated", out error);
                decoded = decoded with { Lease = revokeId };
                break;
            default:
                if (!reader.TryReadVarUInt(out ulong compareCount) || compareCount > (ulong)reader.Remaining) return Fail("compare count is malformed", out error);
                var compares = new KvCompare[compareCount];
                for (ulong i = 0; i < compareCount; i++)
                {
                    if (!reader.TryReadString(out string compareKey) || !reader.TryReadByte(out byte target) || !reader.TryReadByte(out byte relation))
                        return Fail($"compare {i + 1} is truncated", out error);
                    string? value = null;
                    long number = 0;
                    if ((KvCompareTarget)target == KvCompareTarget.Value ? !reader.TryReadString(out value!) : !reader.TryReadVarInt(out number))
                        return Fail($"compare {i + 1} operand is truncated", out error);
                    compares[i] = new KvCompare { Key = compareKey, Target = (KvCompareTarget)target, Operator = (KvCompareOperator)relation, Value = value, Number = number };
                }
                if (!TryReadBranch(ref reader, out KvTxnOp[]? success) || !TryReadBranch(ref reader, out KvTxnOp[]? failure))
                    return Fail("transaction operations are truncated or malformed", out error);
                decoded = decoded with { Txn = new KvTxn { Compares = compares, Success = success!, Failure = failure! } };
                break;
        }
        if (reader.Remaining != 0) return Fail($"{reader.Remaining} unexpected trailing bytes", out error);
        // One encoding per command: anything that does not re-encode to its own bytes (a long varint, a session flag
        // without a session) is refused, as in version 1.
        if (!EncodeMultiKey(decoded).AsSpan().SequenceEqual(data)) return Fail("command is not in its canonical encoding", out error);
        command = decoded;
        error = null;
        return true;
    }

    private static bool TryReadBranch(ref ByteReader reader, out KvTxnOp[]? ops)
    {
        ops = null;
        if (!reader.TryReadVarUInt(out ulong count) || count > (ulong)reader.Remaining) return false;
        var read = new KvTxnOp[count];
        for (ulong i = 0; i < count; i++)
        {
            if (!reader.TryReadByte(out byte kind)) return false;
            if (!TryReadRange(ref reader, read: (KvTxnOpKind)kind == KvTxnOpKind.Range, out KvRange? range)) return false;
            string? value = null;
            long lease = 0;
            if ((KvTxnOpKind)kind == KvTxnOpKind.Put && !(reader.TryReadString(out value!) && reader.TryReadVarInt(out lease))) return false;
            read[i] = new KvTxnOp { Kind = (KvTxnOpKind)kind, Range = range!, Value = value, Lease = lease };
        }
        ops = read;
        return true;
    }

    private static bool TryReadRange(ref ByteReader reader, bool read, out KvRange? range)
    {
        range = null;
        if (!reader.TryReadString(out string key) || !reader.TryReadByte(out byte shapeByte) || shapeByte > (byte)RangeShape.Interval) return false;
        string? end = null;
        if ((RangeShape)shapeByte == RangeShape.Interval && !reader.TryReadString(out end!)) return false;
        long limit = 0;
        byte flags = 0;
        if (read && !(reader.TryReadVarInt(out limit) && reader.TryReadByte(out flags) && flags <= 3)) return false;
        range = new KvRange
        {
            Key = key, RangeEnd = end, Prefix = (RangeShape)shapeByte == RangeShape.Prefix,
            Limit = limit, KeysOnly = (flags & 1) != 0, CountOnly = (flags & 2) != 0,
        };
        return true;
    }

    private static bool Fail(string message, out string? error)
    {
        error = message;
        return false;
    }
}
