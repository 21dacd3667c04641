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
