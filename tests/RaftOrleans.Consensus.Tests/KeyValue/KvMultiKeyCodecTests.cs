using RaftOrleans.KeyValue;
using Xunit;

namespace RaftOrleans.Consensus.Tests.KeyValue;

/// <summary>The version-2 command format: delete-range, increment and transactions.</summary>
public sealed class KvMultiKeyCodecTests
{
    private static readonly KvTxn Txn = new()
    {
        Compares =
        [
            new KvCompare { Key = "a", Target = KvCompareTarget.Value, Operator = KvCompareOperator.Equal, Value = "x" },
            new KvCompare { Key = "😀", Target = KvCompareTarget.ModRevision, Operator = KvCompareOperator.Less, Number = 1 << 40 },
        ],
        Success = [KvTxnOp.Put("a", "y", lease: 3), KvTxnOp.Delete(KvRange.WithPrefix("p/")), KvTxnOp.Read(new KvRange { Key = "a", RangeEnd = "c", Limit = 5, KeysOnly = true })],
        Failure = [KvTxnOp.Read(KvRange.Single("a") with { CountOnly = true })],
    };

    public static TheoryData<KvCommand> Commands => new()
    {
        new KvCommand { Op = KvOp.DeleteRange, Key = "", Range = KvRange.WithPrefix("") },
        new KvCommand { Op = KvOp.DeleteRange, Key = "", Range = new KvRange { Key = "a", RangeEnd = KvRange.ToEnd }, ClientId = 3, Sequence = 9, AckedBelow = 8 },
        new KvCommand { Op = KvOp.Increment, Key = "counter", Delta = -7 },
        new KvCommand { Op = KvOp.Txn, Key = "", Txn = Txn, ClientId = 1, Sequence = 1 },
        new KvCommand { Op = KvOp.Txn, Key = "", Txn = new KvTxn() },
        new KvCommand { Op = KvOp.LeaseGrant, Key = "", Lease = 0, Ttl = 30 },
        new KvCommand { Op = KvOp.LeaseGrant, Key = "", Lease = 12, Ttl = 9_000_000_000, ClientId = 4, Sequence = 2 },
        new KvCommand { Op = KvOp.LeaseRevoke, Key = "", Lease = 12 },
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public void Encode_then_decode_gives_a_command_that_encodes_to_the_same_bytes(KvCommand command)
    {
        byte[] bytes = KvCommandCodec.Encode(command);

        Assert.Equal(KvCommandCodec.MultiKeyVersion, bytes[0]);
        Assert.True(KvCommandCodec.TryDecode(bytes, out KvCommand? decoded, out string? error), error);
        Assert.Equal(bytes, KvCommandCodec.Encode(decoded!));
        Assert.Equal((command.Op, command.Key, command.Delta, command.ClientId, command.Sequence, command.AckedBelow, command.Range, command.Lease, command.Ttl),
            (decoded!.Op, decoded.Key, decoded.Delta, decoded.ClientId, decoded.Sequence, decoded.AckedBelow, decoded.Range, decoded.Lease, decoded.Ttl));
    }

    [Fact]
    public void A_transaction_round_trips_every_field()
    {
        Assert.True(KvCommandCodec.TryDecode(KvCommandCodec.Encode(new KvCommand { Op = KvOp.Txn, Key = "", Txn = Txn }), out KvCommand? decoded, out _));

        KvTxn txn = decoded!.Txn!;
        Assert.Equal(Txn.Compares, txn.Compares);
        Assert.Equal(Txn.Success, txn.Success);
        Assert.Equal(Txn.Failure, txn.Failure);
    }

    [Fact]
    public void Put_delete_and_cas_keep_the_version_1_bytes()
    {
        Assert.Equal(KvCommandCodec.CurrentVersion, KvCommandCodec.Encode(new KvCommand { Op = KvOp.Put, Key = "k", Value = "v" })[0]);
    }

    [Fact]
    public void Trailing_bytes_a_truncation_and_a_non_canonical_encoding_are_refused()
    {
        byte[] bytes = KvCommandCodec.Encode(new KvCommand { Op = KvOp.Increment, Key = "k", Delta = 1 });

        Assert.False(KvCommandCodec.TryDecode([.. bytes, 0], out _, out string? trailing));
        Assert.Equal("1 unexpected trailing bytes", trailing);
        Assert.False(KvCommandCodec.TryDecode(bytes[..^1], out _, out string? truncated));
        Assert.Equal("increment is truncated", truncated);
        // A session flag with an all-zero session: the same command as without one, not the same bytes.
        Assert.False(KvCommandCodec.TryDecode([bytes[0], bytes[1], 16, 0, 0, 0, .. bytes[3..]], out _, out string? longForm));
        Assert.Equal("command is not in its canonical encoding", longForm);
        Assert.False(KvCommandCodec.TryDecode([KvCommandCodec.MultiKeyVersion, (byte)KvOp.Put, 0], out _, out string? op));
        Assert.Equal("unknown operation 1 in format version 2", op);
    }
}
