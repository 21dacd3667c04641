namespace RaftOrleans.KeyValue;

/// <summary>
/// Size limits and validity rules for commands. Two kinds of limit, one rule each:
/// <list type="bullet">
/// <item>Admission: the gateway and the leader's replica validate with the operator's configured limits
/// (<c>RaftKeyValueOptions.MaxKeyBytes</c>/<c>MaxValueBytes</c>, defaults <see cref="Default"/>) before proposing,
/// so a client gets a clear error and nothing too large reaches the log.</item>
/// <item>Apply: the state machine validates again (defence in depth) with <see cref="Ceiling"/>, a constant, and
/// applies an invalid command as <see cref="KvStatus.BadInput"/>. Apply must give the same outcome on every
/// replica and on every replay of the log, whatever each silo's configuration says, so it cannot use the
/// configured limits; and the configured limits can never exceed the ceiling (the options validator refuses
/// that), so whatever admission accepted, apply accepts too.</item>
/// </list>
/// The ceiling may be raised in a later version but never lowered: a lower one would turn committed entries into
/// BadInput on replay.
/// </summary>
public sealed class KvLimits
{
    /// <summary>The default admission limits: 1 KiB keys, 1 MiB values.</summary>
    public static KvLimits Default { get; } = new();

    /// <summary>The limits the state machine applies with, on every replica: 64 KiB keys, 8 MiB values. Configured
    /// limits may be raised up to these and no further.</summary>
    public static KvLimits Ceiling { get; } = new() { MaxKeyBytes = 64 << 10, MaxValueBytes = 8 << 20 };

    /// <summary>Most UTF-8 bytes in a key.</summary>
    public int MaxKeyBytes { get; init; } = 1024;

    /// <summary>Most UTF-8 bytes in a value (and in a Cas expected value).</summary>
    public int MaxValueBytes { get; init; } = 1 << 20;

    /// <summary>Returns null if <paramref name="command"/> is valid, else a message naming the first problem.</summary>
    public string? Validate(KvCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (ValidateKey(command.Key) is string keyError) return keyError;
        if (command.Op is not (KvOp.Put or KvOp.Delete or KvOp.Cas)) return $"unknown operation {(byte)command.Op}";

        int conditions = (command.ExpectedValue is not null ? 1 : 0) + (command.ExpectedRevision is not null ? 1 : 0) + (command.MustNotExist ? 1 : 0);
        switch (command.Op)
        {
            case KvOp.Put:
                if (command.Value is null) return "Put needs a value";
                if (conditions != 0) return "Put must not carry a Cas condition (ExpectedValue, ExpectedRevision or MustNotExist)";
                break;
            case KvOp.Delete:
                if (command.Value is not null) return "Delete must not carry a value";
                if (conditions != 0) return "Delete must not carry a Cas condition (ExpectedValue, ExpectedRevision or MustNotExist)";
                break;
            case KvOp.Cas:
                if (command.Value is null) return "Cas needs a new value";
                if (conditions != 1)
                    return $"Cas needs exactly one condition (ExpectedValue, ExpectedRevision or MustNotExist); it has {(conditions == 0 ? "none" : conditions.ToString())}";
                if (command.ExpectedRevision is <= 0)
                    return $"Cas expected revision must be positive, was {command.ExpectedRevision}; use MustNotExist for an absent key";
                break;
        }
        if (command.Value is not null && ValidateValue(command.Value, "value") is string valueError) return valueError;
        if (command.ExpectedValue is not null && ValidateValue(command.ExpectedValue, "expected value") is string expectedError) return expectedError;
        return ValidateSession(command);
    }

    /// <summary>Returns null if <paramref name="key"/> is a valid key, else the reason.</summary>
    public string? ValidateKey(string? key)
    {
        if (string.IsNullOrEmpty(key)) return "key must not be empty";
        if (!Utf16Text.TryGetUtf8ByteCount(key, out int bytes, out int badIndex))
            return $"key contains an invalid UTF-16 surrogate at position {badIndex}";
        if (bytes > MaxKeyBytes) return $"key is {bytes} bytes; the limit is {MaxKeyBytes}";
        return null;
    }

    private string? ValidateValue(string value, string what)
    {
        if (!Utf16Text.TryGetUtf8ByteCount(value, out int bytes, out int badIndex))
            return $"{what} contains an invalid UTF-16 surrogate at position {badIndex}";
        if (bytes > MaxValueBytes) return $"{what} is {bytes} bytes; the limit is {MaxValueBytes}";
        return null;
    }

    private static string? ValidateSession(KvCommand command)
    {
        if (command.ClientId < 0) return $"client id must not be negative, was {command.ClientId}";
        if (command.ClientId == 0)
        {
            return command.Sequence != 0 || command.AckedBelow != 0
                ? "a command without a session (client id 0) must have sequence 0 and acked-below 0"
                : null;
        }
        if (command.Sequence <= 0) return $"sequence must be positive in a session, was {command.Sequence}";
        if (command.AckedBelow < 0 || command.AckedBelow > command.Sequence)
            return $"acked-below must be between 0 and the sequence {command.Sequence}, was {command.AckedBelow}";
        return null;
    }
}
