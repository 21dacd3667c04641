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
    /// limits may be raised up to these and no further. 1,024 compares and operations per transaction.</summary>
    public static KvLimits Ceiling { get; } = new() { MaxKeyBytes = 64 << 10, MaxValueBytes = 8 << 20, MaxTxnOps = 1024 };

    /// <summary>Most UTF-8 bytes in a key.</summary>
    public int MaxKeyBytes { get; init; } = 1024;

    /// <summary>Most UTF-8 bytes in a value (and in a Cas expected value).</summary>
    public int MaxValueBytes { get; init; } = 1 << 20;

    /// <summary>Most compares plus operations in one transaction (etcd's default <c>--max-txn-ops</c>).</summary>
    public int MaxTxnOps { get; init; } = 128;

    /// <summary>Returns null if <paramref name="command"/> is valid, else a message naming the first problem.</summary>
    public string? Validate(KvCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (command.Op is KvOp.LeaseGrant or KvOp.LeaseRevoke) return ValidateLeaseCommand(command) ?? ValidateSession(command);
        if (command.Op != KvOp.Put && command.Lease != 0) return $"{command.Op} must not carry a lease";
        if (command.Ttl != 0) return $"{command.Op} must not carry a time to live";
        if (command.Op is KvOp.DeleteRange or KvOp.Txn) return ValidateMultiKey(command) ?? ValidateSession(command);
        if (ValidateKey(command.Key) is string keyError) return keyError;
        if (command.Op is not (KvOp.Put or KvOp.Delete or KvOp.Cas or KvOp.Increment)) return $"unknown operation {(byte)command.Op}";
        if (command.Range is not null || command.Txn is not null) return $"{command.Op} must not carry a range or a transaction";
        if (command.Op != KvOp.Increment && command.Delta != 0) return $"{command.Op} must not carry an increment";

        int conditions = (command.ExpectedValue is not null ? 1 : 0) + (command.ExpectedRevision is not null ? 1 : 0) + (command.MustNotExist ? 1 : 0);
        switch (command.Op)
        {
            case KvOp.Put:
                if (command.Value is null) return "Put needs a value";
                if (command.Lease < 0) return $"lease must not be negative, was {command.Lease}";
                if (conditions != 0) return "Put must not carry a Cas condition (ExpectedValue, ExpectedRevision or MustNotExist)";
                break;
            case KvOp.Delete:
                if (command.Value is not null) return "Delete must not carry a value";
                if (conditions != 0) return "Delete must not carry a Cas condition (ExpectedValue, ExpectedRevision or MustNotExist)";
                break;
            case KvOp.Increment:
                if (command.Value is not null || conditions != 0) return "Increment carries only a key and a delta";
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

    /// <summary>
    /// Returns null if <paramref name="range"/> is a valid range, else the reason. A read may set a limit, keys-only,
    /// count-only and a revision; a delete (<paramref name="forRead"/> false) only names keys.
    /// </summary>
    public string? ValidateRange(KvRange? range, bool forRead = true)
    {
        if (range is null) return "a range is required";
        if (range.IsSingleKey) return ValidateKey(range.Key) is { } keyError ? keyError : ValidateReadOptions(range, forRead);
        if (ValidateKeyText(range.Key, range.Prefix ? "prefix" : "range start") is { } startError) return startError;
        if (range.Prefix)
        {
            if (range.RangeEnd is not null) return "a prefix range must not also have a range end";
        }
        else if (range.RangeEnd != KvRange.ToEnd)
        {
            if (ValidateKeyText(range.RangeEnd!, "range end") is { } endError) return endError;
            int order = KeyOrder.Instance.Compare(range.Key, range.RangeEnd);
            if (order == 0) return $"the range is empty: its end '{range.RangeEnd}' equals its start";
            if (order > 0) return $"the range end '{range.RangeEnd}' sorts before its start '{range.Key}'";
        }
        return ValidateReadOptions(range, forRead);
    }

    private static string? ValidateReadOptions(KvRange range, bool forRead)
    {
        if (!forRead)
            return range.Limit != 0 || range.KeysOnly || range.CountOnly || range.Revision != 0
                ? "a delete takes no limit, keys-only, count-only or revision"
                : null;
        if (range.Limit < 0) return $"limit must not be negative, was {range.Limit}";
        if (range.Revision < 0) return $"revision must not be negative, was {range.Revision}";
        return null;
    }

    private static string? ValidateLeaseCommand(KvCommand command)
    {
        if (command.Key.Length != 0 || command.Value is not null || command.ExpectedValue is not null || command.ExpectedRevision is not null
            || command.MustNotExist || command.Delta != 0 || command.Range is not null || command.Txn is not null)
            return $"{command.Op} carries only a lease id{(command.Op == KvOp.LeaseGrant ? " and a time to live" : "")}";
        if (command.Op == KvOp.LeaseRevoke)
        {
            if (command.Ttl != 0) return "LeaseRevoke must not carry a time to live";
            return command.Lease > 0 ? null : $"lease id must be positive, was {command.Lease}";
        }
        if (command.Lease < 0) return $"lease id must not be negative (0 picks one), was {command.Lease}";
        if (command.Ttl <= 0) return $"a lease's time to live must be at least 1 second, was {command.Ttl}";
        if (command.Ttl > KeyValueStateMachine.MaxLeaseTtl) return $"a lease's time to live must be at most {KeyValueStateMachine.MaxLeaseTtl} seconds, was {command.Ttl}";
        return null;
    }

    private string? ValidateMultiKey(KvCommand command)
    {
        if (command.Key.Length != 0 || command.Value is not null || command.ExpectedValue is not null
            || command.ExpectedRevision is not null || command.MustNotExist || command.Delta != 0)
            return $"{command.Op} carries its keys in its {(command.Op == KvOp.Txn ? "transaction" : "range")} and nothing else";
        if (command.Op == KvOp.DeleteRange)
            return command.Txn is not null ? "DeleteRange must not carry a transaction" : ValidateRange(command.Range, forRead: false);
        if (command.Range is not null) return "Txn must not carry a range";
        return ValidateTxn(command.Txn);
    }

    /// <summary>Returns null if <paramref name="txn"/> is a valid transaction, else the reason.</summary>
    public string? ValidateTxn(KvTxn? txn)
    {
        if (txn is null) return "a transaction is required";
        int size = txn.Compares.Count + Math.Max(txn.Success.Count, txn.Failure.Count);
        if (size > MaxTxnOps) return $"the transaction has {txn.Compares.Count} compares and {Math.Max(txn.Success.Count, txn.Failure.Count)} operations in its larger branch; the limit is {MaxTxnOps} together";
        for (int i = 0; i < txn.Compares.Count; i++)
        {
            KvCompare compare = txn.Compares[i];
            if (compare is null) return $"compare {i + 1} is missing";
            if (ValidateKey(compare.Key) is { } keyError) return $"compare {i + 1}: {keyError}";
            if (!Enum.IsDefined(compare.Target) || !Enum.IsDefined(compare.Operator)) return $"compare {i + 1} has an unknown target or operator";
            if (compare.Target == KvCompareTarget.Value)
            {
                if (compare.Value is null) return $"compare {i + 1} on a value needs a value to compare with";
                if (compare.Number != 0) return $"compare {i + 1} on a value must not carry a number";
                if (ValidateValue(compare.Value, $"compare {i + 1} value") is { } valueError) return valueError;
            }
            else if (compare.Value is not null) return $"compare {i + 1} on {compare.Target} must not carry a value";
        }
        return ValidateBranch(txn.Success, "success") ?? ValidateBranch(txn.Failure, "failure");
    }

    private string? ValidateBranch(IReadOnlyList<KvTxnOp> ops, string branch)
    {
        long valueBytes = 0;
        var puts = new HashSet<string>(StringComparer.Ordinal);
        var deletes = new List<KvRange>();
        for (int i = 0; i < ops.Count; i++)
        {
            KvTxnOp op = ops[i];
            string where = $"{branch} operation {i + 1}";
            if (op?.Range is null) return $"{where} is missing its key";
            switch (op.Kind)
            {
                case KvTxnOpKind.Put:
                    if (!op.Range.IsSingleKey) return $"{where}: a put takes one key";
                    if (ValidateRange(op.Range, forRead: false) is { } putKeyError) return $"{where}: {putKeyError}";
                    if (op.Value is null) return $"{where}: a put needs a value";
                    if (op.Lease < 0) return $"{where}: lease must not be negative, was {op.Lease}";
                    if (ValidateValue(op.Value, "value") is { } valueError) return $"{where}: {valueError}";
                    Utf16Text.TryGetUtf8ByteCount(op.Value, out int bytes, out _);
                    valueBytes += bytes;
                    if (!puts.Add(op.Range.Key)) return $"{where}: key '{op.Range.Key}' is put twice in the {branch} branch";
                    break;
                case KvTxnOpKind.Delete:
                    if (op.Value is not null || op.Lease != 0) return $"{where}: a delete takes no value or lease";
                    if (ValidateRange(op.Range, forRead: false) is { } deleteError) return $"{where}: {deleteError}";
                    deletes.Add(op.Range);
                    break;
                case KvTxnOpKind.Range:
                    if (op.Value is not null || op.Lease != 0) return $"{where}: a read takes no value or lease";
                    if (ValidateRange(op.Range) is { } rangeError) return $"{where}: {rangeError}";
                    if (op.Range.Revision != 0) return $"{where}: a read inside a transaction reads the transaction's own revision, so it takes none";
                    break;
                default:
                    return $"{where} has an unknown kind {(byte)op.Kind}";
            }
        }
        if (valueBytes > MaxValueBytes) return $"the {branch} branch puts {valueBytes} bytes of values; the limit is {MaxValueBytes} per transaction";
        foreach (string key in puts)
        {
            if (deletes.Any(range => range.Contains(key)))
                return $"key '{key}' is both put and deleted in the {branch} branch";
        }
        return null;
    }

    /// <summary>Returns null if <paramref name="key"/> is a valid key, else the reason.</summary>
    public string? ValidateKey(string? key)
    {
        if (string.IsNullOrEmpty(key)) return "key must not be empty";
        return ValidateKeyText(key, "key");
    }

    // A key's text rules without the non-empty one: a prefix or a range start may be empty.
    private string? ValidateKeyText(string? key, string what)
    {
        if (key is null) return $"{what} is required";
        if (!Utf16Text.TryGetUtf8ByteCount(key, out int bytes, out int badIndex))
            return $"{what} contains an invalid UTF-16 surrogate at position {badIndex}";
        if (bytes > MaxKeyBytes) return $"{what} is {bytes} bytes; the limit is {MaxKeyBytes}";
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
