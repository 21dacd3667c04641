using RaftOrleans.KeyValue;
using Xunit;

namespace RaftOrleans.Consensus.Tests.KeyValue;

public sealed class KvCommandCodecTests
{
    public static TheoryData<KvCommand> Commands => new()
    {
        new KvCommand { Op = KvOp.Put, Key = "k", Value = "v" },
        new KvCommand { Op = KvOp.Put, Key = "ключ/😀", Value = "" },
        new KvCommand { Op = KvOp.Delete, Key = "k", ClientId = 7, Sequence = 3, AckedBelow = 2 },
        new KvCommand { Op = KvOp.Cas, Key = "k", Value = "new", ExpectedValue = "old" },
        new KvCommand { Op = KvOp.Cas, Key = "k", Value = "new", ExpectedRevision = 123_456_789_012 },
        new KvCommand { Op = KvOp.Cas, Key = "k", Value = "new", MustNotExist = true, ClientId = long.MaxValue, Sequence = 1 },
        new KvCommand { Op = KvOp.Put, Key = "k", Value = "v", Lease = 7_000_000_000, ClientId = 2, Sequence = 5 },
        // The codec carries what it is given, valid or not; validation is the state machine's job.
        new KvCommand { Op = KvOp.Cas, Key = "", Value = null, ExpectedValue = "x", ExpectedRevision = -5, MustNotExist = true, ClientId = -1, Sequence = long.MinValue, AckedBelow = -2 },
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public void Encode_then_decode_returns_an_equal_command(KvCommand command)
    {
        byte[] bytes = KvCommandCodec.Encode(command);

        Assert.True(KvCommandCodec.TryDecode(bytes, out KvCommand? decoded, out string? error), error);
        Assert.Null(error);
        Assert.Equal(command, decoded);
    }

    [Fact]
    public void First_byte_is_the_format_version()
    {
        byte[] bytes = KvCommandCodec.Encode(new KvCommand { Op = KvOp.Put, Key = "k", Value = "v" });

        Assert.Equal(KvCommandCodec.CurrentVersion, bytes[0]);
    }

    [Fact]
    public void A_plain_put_costs_four_bytes_over_its_key_and_value()
    {
        // version, op, flags, key length, value length: the format is compact.
        byte[] bytes = KvCommandCodec.Encode(new KvCommand { Op = KvOp.Put, Key = "key", Value = "value" });

        Assert.Equal(3 + 1 + 3 + 1 + 5, bytes.Length);
    }

    [Theory]
    [InlineData(new byte[0], "command is empty")]
    [InlineData(new byte[] { 9, 1, 0, 0 }, "unknown command format version 9")]
    [InlineData(new byte[] { 1 }, "command is truncated before its operation")]
    [InlineData(new byte[] { 1, 4, 0, 0 }, "unknown operation 4")]
    [InlineData(new byte[] { 1, 0, 0, 0 }, "unknown operation 0")]
    [InlineData(new byte[] { 1, 1 }, "command is truncated before its flags")]
    [InlineData(new byte[] { 1, 1, 0x40, 0 }, "unknown flags 0x40")]
    [InlineData(new byte[] { 1, 1, 0, 5, (byte)'a' }, "key is truncated or not valid UTF-8")]
    [InlineData(new byte[] { 1, 1, 0, 1, 0xFF }, "key is truncated or not valid UTF-8")]
    [InlineData(new byte[] { 1, 1, 1, 1, (byte)'k', 2, 0xC3 }, "value is truncated or not valid UTF-8")]
    [InlineData(new byte[] { 1, 3, 4, 1, (byte)'k', 0x80 }, "expected revision is truncated")]
    [InlineData(new byte[] { 1, 2, 16, 1, (byte)'k', 2, 2 }, "session fields are truncated")]
    [InlineData(new byte[] { 1, 2, 0, 1, (byte)'k', 0, 0 }, "2 unexpected trailing bytes")]
    [InlineData(new byte[] { 1, 2, 16, 1, (byte)'k', 0, 0, 0 }, "session flag set without session fields")]
    [InlineData(new byte[] { 1, 2, 0, 0x81, 0x00, (byte)'k' }, "key is truncated or not valid UTF-8")]
    public void Malformed_input_is_rejected_with_a_reason(byte[] data, string expectedError)
    {
        Assert.False(KvCommandCodec.TryDecode(data, out KvCommand? command, out string? error));
        Assert.Null(command);
        Assert.Equal(expectedError, error);
    }

    [Fact]
    public void Overlong_varint_is_rejected()
    {
        byte[] data = [1, 3, 4, 1, (byte)'k', 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F];

        Assert.False(KvCommandCodec.TryDecode(data, out _, out string? error));
        Assert.Equal("expected revision is truncated", error);
    }

    [Fact]
    public void A_lone_surrogate_cannot_be_encoded()
    {
        var command = new KvCommand { Op = KvOp.Put, Key = "a\uD800b", Value = "v" };

        var thrown = Assert.Throws<ArgumentException>(() => KvCommandCodec.Encode(command));
        Assert.Equal("key contains an invalid UTF-16 surrogate at position 1.", thrown.Message);
    }

    [Fact]
    public void Random_garbage_never_throws()
    {
        var random = new Random(20240601);
        int decoded = 0;
        for (int i = 0; i < 200_000; i++)
        {
            byte[] data = random.Next(2) == 0 ? RandomBytes(random) : PlausibleBytes(random);
            if (KvCommandCodec.TryDecode(data, out KvCommand? command, out string? error))
            {
                decoded++;
                Assert.NotNull(command);
                Assert.Null(error);
            }
            else
            {
                Assert.Null(command);
                Assert.False(string.IsNullOrEmpty(error));
            }
        }
        // The biased generator must reach the success path too, or the test would not cover it.
        Assert.True(decoded > 0);
    }

    [Fact]
    public void Mutated_valid_commands_never_throw_and_decode_to_what_they_re_encode_as()
    {
        var random = new Random(77);
        byte[] original = KvCommandCodec.Encode(new KvCommand
        {
            Op = KvOp.Cas, Key = "config/feature", Value = "on", ExpectedValue = "off", ClientId = 42, Sequence = 9, AckedBelow = 8,
        });
        for (int i = 0; i < 100_000; i++)
        {
            byte[] data = random.Next(3) switch
            {
                0 => original[..random.Next(original.Length)],
                1 => FlipBit(original, random),
                _ => [.. original, (byte)random.Next(256)],
            };
            if (KvCommandCodec.TryDecode(data, out KvCommand? command, out _))
            {
                // Whatever decodes must be a faithful reading: encoding it gives the same bytes.
                Assert.Equal(data, KvCommandCodec.Encode(command!));
            }
        }
    }

    private static byte[] RandomBytes(Random random)
    {
        var data = new byte[random.Next(0, 40)];
        random.NextBytes(data);
        return data;
    }

    /// <summary>Garbage shaped like a command: a valid header, then random short strings and small
    /// numbers in random number, so some decode and many fail deep inside.</summary>
    private static byte[] PlausibleBytes(Random random)
    {
        var data = new List<byte> { KvCommandCodec.CurrentVersion, (byte)random.Next(0, 5), (byte)random.Next(0, 40) };
        for (int chunk = random.Next(0, 6); chunk > 0; chunk--)
        {
            if (random.Next(2) == 0)
            {
                int length = random.Next(0, 6);
                data.Add((byte)length);
                for (int i = 0; i < length; i++) data.Add((byte)random.Next(random.Next(4) == 0 ? 256 : 128));
            }
            else
            {
                data.Add((byte)random.Next(0, 256));
            }
        }
        return [.. data];
    }

    private static byte[] FlipBit(byte[] source, Random random)
    {
        byte[] copy = (byte[])source.Clone();
        copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
        return copy;
    }
}
