using System.Security.Cryptography;
using RaftOrleans.Grains.Backup;
using RaftOrleans.KeyValue;
using Xunit;

namespace RaftOrleans.Grains.Tests.Backup;

/// <summary>The backup file format: a round trip keeps every field; any damage is an error naming it.</summary>
public sealed class BackupFileFormatTests
{
    private static BackupContents Sample()
    {
        var machine = new KeyValueStateMachine();
        for (var i = 1; i <= 41; i++) machine.ApplyNoop(i);
        return new BackupContents(41, 3, [1, 2, 3], machine.Snapshot());
    }

    [Fact]
    public void Encode_then_decode_returns_the_same_contents_and_the_trailer_is_the_sha256_of_the_rest()
    {
        var contents = Sample();
        var file = BackupFileFormat.Encode(contents);

        var decoded = BackupFileFormat.Decode(file);

        Assert.Equal((41L, 3L), (decoded.Index, decoded.Term));
        Assert.Equal([1, 2, 3], decoded.Voters);
        Assert.Equal(contents.Data.ToArray(), decoded.Data.ToArray());
        Assert.Equal(8 + 4 + 8 + 8 + 4 + 12 + 8 + contents.Data.Length + 32, file.Length);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(file.AsSpan(0, file.Length - 32))), BackupFileFormat.ChecksumHex(file));
    }

    [Fact]
    public void Every_single_flipped_byte_is_detected()
    {
        var file = BackupFileFormat.Encode(Sample());
        for (var i = 0; i < file.Length; i++)
        {
            var damaged = (byte[])file.Clone();
            damaged[i] ^= 0x01;
            Assert.Throws<BackupFormatException>(() => BackupFileFormat.Decode(damaged));
        }
    }

    [Fact]
    public void Every_truncation_is_detected()
    {
        var file = BackupFileFormat.Encode(Sample());
        for (var length = 0; length < file.Length; length++)
        {
            var error = Assert.Throws<BackupFormatException>(() => BackupFileFormat.Decode(file.AsSpan(0, length)));
            Assert.Contains(length < 8 ? "bad magic" : "truncated", error.Message);
        }
    }

    [Fact]
    public void An_unknown_version_is_refused_by_name()
    {
        var file = BackupFileFormat.Encode(Sample());
        file[8] = 2;

        var error = Assert.Throws<BackupFormatException>(() => BackupFileFormat.Decode(file));

        Assert.Equal("unsupported backup format version 2 (this build reads version 1)", error.Message);
    }
}
