namespace RaftOrleans.KeyValue;

/// <summary>
/// The binary form of a <see cref="KvCommand"/> in the Raft log. Layout (version 1):
/// <c>version(1) op(1) flags(1) key [value] [expectedValue] [expectedRevision] [clientId sequence ackedBelow]</c>,
/// strings as varint length + UTF-8, numbers as zig-zag varints. Optional parts are present only
/// when their flag is set, so a plain Put of a short key costs a few bytes over the key and value.
/// The version byte comes first so a later format can be read next to this one during an upgrade.
/// Decoding accepts only the canonical form (shortest varints, no empty optional parts, no trailing
/// bytes), so every decoded command re-encodes to exactly the bytes it came from.
/// </summary>
public static class KvCommandCodec
{
    /// <summary>The format version this build writes.</summary>
    public const byte CurrentVersion = 1;

    [Flags]
    private enum Parts : byte
    {
        Value = 1,
        ExpectedValue = 2,
        ExpectedRevision = 4,
        MustNotExist = 8,
        Session = 16,
        All = Value | ExpectedValue | ExpectedRevision | MustNotExist | Session,
    }

    /// <summary>Encodes a command. Throws <see cref="ArgumentException"/> if a string holds a lone
    /// UTF-16 surrogate (it has no UTF-8 form); call <see cref="KvLimits.Validate"/> first to get a
    /// readable message instead.</summary>
    public static byte[] Encode(KvCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(command.Key);
        Parts parts = 0;
        if (command.Value is not null) parts |= Parts.Value;
        if (command.ExpectedValue is not null) parts |= Parts.ExpectedValue;
        if (command.ExpectedRevision is not null) parts |= Parts.ExpectedRevision;
        if (command.MustNotExist) parts |= Parts.MustNotExist;
        if (command.ClientId != 0 || command.Sequence != 0 || command.AckedBelow != 0) parts |= Parts.Session;

        var writer = new ByteWriter(16 + command.Key.Length + (command.Value?.Length ?? 0));
        writer.WriteByte(CurrentVersion);
        writer.WriteByte((byte)command.Op);
        writer.WriteByte((byte)parts);
        writer.WriteString(command.Key, "key");
        if (command.Value is not null) writer.WriteString(command.Value, "value");
        if (command.ExpectedValue is not null) writer.WriteString(command.ExpectedValue, "expected value");
        if (command.ExpectedRevision is long revision) writer.WriteVarInt(revision);
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
            ClientId = clientId,
            Sequence = sequence,
            AckedBelow = ackedBelow,
        };
        error = null;
        return true;
    }

    private static bool Fail(string message, out string? error)
    {
        error = message;
        return false;
    }
}
