using RaftOrleans.KeyValue;
using Xunit;

namespace RaftOrleans.Consensus.Tests.KeyValue;

public sealed class KvLimitsTests
{
    private static readonly KvLimits Limits = KvLimits.Default;

    [Fact]
    public void Default_limits_are_1024_byte_keys_and_1_MiB_values()
    {
        Assert.Equal(1024, Limits.MaxKeyBytes);
        Assert.Equal(1 << 20, Limits.MaxValueBytes);
    }

    private static KvCommand TxnOf(KvTxn txn) => new() { Op = KvOp.Txn, Key = "", Txn = txn };

    private static KvCommand DeleteRangeOf(KvRange range) => new() { Op = KvOp.DeleteRange, Key = "", Range = range };

    public static TheoryData<KvCommand, string> InvalidMultiKey => new()
    {
        { DeleteRangeOf(new KvRange { Key = "b", RangeEnd = "b" }), "the range is empty: its end 'b' equals its start" },
        { DeleteRangeOf(new KvRange { Key = "b", RangeEnd = "a" }), "the range end 'a' sorts before its start 'b'" },
        { DeleteRangeOf(new KvRange { Key = "a", RangeEnd = "b", Limit = 3 }), "a delete takes no limit, keys-only, count-only or revision" },
        { DeleteRangeOf(new KvRange { Key = "a", Prefix = true, RangeEnd = "b" }), "a prefix range must not also have a range end" },
        { DeleteRangeOf(KvRange.Single("")), "key must not be empty" },
        { new KvCommand { Op = KvOp.DeleteRange, Key = "" }, "a range is required" },
        { new KvCommand { Op = KvOp.DeleteRange, Key = "k", Range = KvRange.WithPrefix("k") }, "DeleteRange carries its keys in its range and nothing else" },
        { new KvCommand { Op = KvOp.Increment, Key = "k", Value = "1" }, "Increment carries only a key and a delta" },
        { new KvCommand { Op = KvOp.Put, Key = "k", Value = "1", Delta = 2 }, "Put must not carry an increment" },
        { TxnOf(new KvTxn { Success = [.. Enumerable.Range(0, 129).Select(i => KvTxnOp.Put("k" + i, "v"))] }), "the transaction has 0 compares and 129 operations in its larger branch; the limit is 128 together" },
        { TxnOf(new KvTxn { Success = [KvTxnOp.Put("a", new string('v', 600_000)), KvTxnOp.Put("b", new string('v', 600_000))] }), "the success branch puts 1200000 bytes of values; the limit is 1048576 per transaction" },
        { TxnOf(new KvTxn { Success = [KvTxnOp.Put("a", "1"), KvTxnOp.Put("a", "2")] }), "success operation 2: key 'a' is put twice in the success branch" },
        { TxnOf(new KvTxn { Failure = [KvTxnOp.Put("a/1", "1"), KvTxnOp.Delete(KvRange.WithPrefix("a/"))] }), "key 'a/1' is both put and deleted in the failure branch" },
        { TxnOf(new KvTxn { Compares = [new KvCompare { Key = "a", Target = KvCompareTarget.Value, Operator = KvCompareOperator.Equal }] }), "compare 1 on a value needs a value to compare with" },
        { TxnOf(new KvTxn { Compares = [new KvCompare { Key = "a", Target = KvCompareTarget.Version, Operator = KvCompareOperator.Equal, Value = "x" }] }), "compare 1 on Version must not carry a value" },
        { TxnOf(new KvTxn { Compares = [new KvCompare { Key = "a", Target = (KvCompareTarget)9, Operator = KvCompareOperator.Equal }] }), "compare 1 has an unknown target or operator" },
        { TxnOf(new KvTxn { Success = [KvTxnOp.Read(KvRange.WithPrefix("a") with { Revision = 3 })] }), "success operation 1: a read inside a transaction reads the transaction's own revision, so it takes none" },
        { TxnOf(new KvTxn { Success = [new KvTxnOp { Kind = KvTxnOpKind.Put, Range = KvRange.WithPrefix("a"), Value = "v" }] }), "success operation 1: a put takes one key" },
        { new KvCommand { Op = KvOp.Txn, Key = "" }, "a transaction is required" },
        { new KvCommand { Op = KvOp.LeaseGrant, Key = "", Ttl = 0 }, "a lease's time to live must be at least 1 second, was 0" },
        { new KvCommand { Op = KvOp.LeaseGrant, Key = "", Ttl = -5 }, "a lease's time to live must be at least 1 second, was -5" },
        { new KvCommand { Op = KvOp.LeaseGrant, Key = "", Ttl = 9_000_000_001 }, "a lease's time to live must be at most 9000000000 seconds, was 9000000001" },
        { new KvCommand { Op = KvOp.LeaseGrant, Key = "", Lease = -1, Ttl = 5 }, "lease id must not be negative (0 picks one), was -1" },
        { new KvCommand { Op = KvOp.LeaseGrant, Key = "k", Ttl = 5 }, "LeaseGrant carries only a lease id and a time to live" },
        { new KvCommand { Op = KvOp.LeaseRevoke, Key = "", Lease = 0 }, "lease id must be positive, was 0" },
        { new KvCommand { Op = KvOp.Put, Key = "k", Value = "v", Lease = -3 }, "lease must not be negative, was -3" },
        { new KvCommand { Op = KvOp.Delete, Key = "k", Lease = 3 }, "Delete must not carry a lease" },
        { TxnOf(new KvTxn { Success = [KvTxnOp.Put("a", "1", lease: -1)] }), "success operation 1: lease must not be negative, was -1" },
    };

    [Theory]
    [MemberData(nameof(InvalidMultiKey))]
    public void Multi_key_commands_are_refused_with_a_clear_reason(KvCommand command, string reason)
    {
        Assert.Equal(reason, Limits.Validate(command));
    }

    [Fact]
    public void Reads_refuse_a_negative_limit_or_revision_and_accept_every_key_from_an_empty_start()
    {
        Assert.Equal("limit must not be negative, was -1", Limits.ValidateRange(KvRange.WithPrefix("") with { Limit = -1 }));
        Assert.Equal("revision must not be negative, was -2", Limits.ValidateRange(KvRange.Single("a") with { Revision = -2 }));
        Assert.Null(Limits.ValidateRange(new KvRange { Key = "", RangeEnd = KvRange.ToEnd }));
        Assert.Null(Limits.ValidateRange(KvRange.WithPrefix("")));
    }

    public static TheoryData<KvCommand, string> Invalid => new()
    {
        { new KvCommand { Op = KvOp.Put, Key = "", Value = "v" }, "key must not be empty" },
        { new KvCommand { Op = KvOp.Put, Key = new string('k', 2000), Value = "v" }, "key is 2000 bytes; the limit is 1024" },
        { new KvCommand { Op = KvOp.Put, Key = new string('é', 513), Value = "v" }, "key is 1026 bytes; the limit is 1024" },
        { new KvCommand { Op = KvOp.Put, Key = "ab\uDC00", Value = "v" }, "key contains an invalid UTF-16 surrogate at position 2" },
        { new KvCommand { Op = KvOp.Put, Key = "a\uD800", Value = "v" }, "key contains an invalid UTF-16 surrogate at position 1" },
        { new KvCommand { Op = (KvOp)9, Key = "k", Value = "v" }, "unknown operation 9" },
        { new KvCommand { Op = KvOp.Put, Key = "k" }, "Put needs a value" },
        { new KvCommand { Op = KvOp.Put, Key = "k", Value = "v", MustNotExist = true }, "Put must not carry a Cas condition (ExpectedValue, ExpectedRevision or MustNotExist)" },
        { new KvCommand { Op = KvOp.Put, Key = "k", Value = new string('v', (1 << 20) + 1) }, "value is 1048577 bytes; the limit is 1048576" },
        { new KvCommand { Op = KvOp.Put, Key = "k", Value = "\uDBFF" }, "value contains an invalid UTF-16 surrogate at position 0" },
        { new KvCommand { Op = KvOp.Delete, Key = "k", Value = "v" }, "Delete must not carry a value" },
        { new KvCommand { Op = KvOp.Delete, Key = "k", ExpectedRevision = 3 }, "Delete must not carry a Cas condition (ExpectedValue, ExpectedRevision or MustNotExist)" },
        { new KvCommand { Op = KvOp.Cas, Key = "k", ExpectedValue = "a" }, "Cas needs a new value" },
        { new KvCommand { Op = KvOp.Cas, Key = "k", Value = "v" }, "Cas needs exactly one condition (ExpectedValue, ExpectedRevision or MustNotExist); it has none" },
        { new KvCommand { Op = KvOp.Cas, Key = "k", Value = "v", ExpectedValue = "a", MustNotExist = true }, "Cas needs exactly one condition (ExpectedValue, ExpectedRevision or MustNotExist); it has 2" },
        { new KvCommand { Op = KvOp.Cas, Key = "k", Value = "v", ExpectedRevision = 0 }, "Cas expected revision must be positive, was 0; use MustNotExist for an absent key" },
        { new KvCommand { Op = KvOp.Cas, Key = "k", Value = "v", ExpectedValue = "a\uD800" }, "expected value contains an invalid UTF-16 surrogate at position 1" },
        { new KvCommand { Op = KvOp.Put, Key = "k", Value = "v", ClientId = -3, Sequence = 1 }, "client id must not be negative, was -3" },
        { new KvCommand { Op = KvOp.Put, Key = "k", Value = "v", Sequence = 4 }, "a command without a session (client id 0) must have sequence 0 and acked-below 0" },
        { new KvCommand { Op = KvOp.Put, Key = "k", Value = "v", ClientId = 1 }, "sequence must be positive in a session, was 0" },
        { new KvCommand { Op = KvOp.Put, Key = "k", Value = "v", ClientId = 1, Sequence = 3, AckedBelow = 4 }, "acked-below must be between 0 and the sequence 3, was 4" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Invalid_commands_are_named_clearly(KvCommand command, string expected)
    {
        Assert.Equal(expected, Limits.Validate(command));
    }

    public static TheoryData<KvCommand> Valid => new()
    {
        new KvCommand { Op = KvOp.Put, Key = new string('k', 1024), Value = new string('v', 1 << 20) },
        new KvCommand { Op = KvOp.Put, Key = "😀", Value = "" },
        new KvCommand { Op = KvOp.Delete, Key = "k", ClientId = 5, Sequence = 5, AckedBelow = 5 },
        new KvCommand { Op = KvOp.Cas, Key = "k", Value = "v", ExpectedValue = "" },
        new KvCommand { Op = KvOp.Cas, Key = "k", Value = "v", ExpectedRevision = 1 },
        new KvCommand { Op = KvOp.Cas, Key = "k", Value = "v", MustNotExist = true },
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void Valid_commands_pass(KvCommand command)
    {
        Assert.Null(Limits.Validate(command));
    }

    [Fact]
    public void Custom_limits_apply_to_keys()
    {
        var limits = new KvLimits { MaxKeyBytes = 4 };

        Assert.Null(limits.ValidateKey("abcd"));
        Assert.Equal("key is 5 bytes; the limit is 4", limits.ValidateKey("abcde"));
        Assert.Equal("key must not be empty", limits.ValidateKey(null));
    }
}
