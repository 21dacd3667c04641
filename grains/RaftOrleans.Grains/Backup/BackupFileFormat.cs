using System.Buffers.Binary;
using System.Security.Cryptography;

namespace RaftOrleans.Grains.Backup;

/// <summary>
/// The backup file format (version 1), all integers little-endian:
/// <code>
/// offset  size      field
/// 0       8         magic "RAFTKVBK"
/// 8       4         format version (1)
/// 12      8         snapshot index
/// 20      8         snapshot term
/// 28      4         voter count V
/// 32      4 * V     voter ids
/// 32+4V   8         data length N
/// 40+4V   N         state machine data
/// 40+4V+N 32        SHA-256 of every byte before it
/// </code>
/// The checksum covers the header too, so a flipped bit anywhere is caught; the explicit length
/// makes a truncated or over-long file an error rather than a shorter state.
/// </summary>
public static class BackupFileFormat
{
    /// <summary>The current format version.</summary>
    public const int Version = 1;

    /// <summary>Bytes of the SHA-256 trailer.</summary>
    public const int ChecksumBytes = 32;

    /// <summary>The upper bound on voters a file may name (a sanity limit for damaged headers).</summary>
    public const int MaxVoters = 1024;

    private static ReadOnlySpan<byte> Magic => "RAFTKVBK"u8;
    private const int FixedHeaderBytes = 8 + 4 + 8 + 8 + 4;

    /// <summary>Encodes <paramref name="contents"/> as one complete file image.</summary>
    public static byte[] Encode(BackupContents contents)
    {
        ArgumentNullException.ThrowIfNull(contents);
        if (contents.Index < 0 || contents.Term < 0) throw new ArgumentException("index and term must not be negative", nameof(contents));
        if (contents.Voters.Count > MaxVoters) throw new ArgumentException($"at most {MaxVoters} voters", nameof(contents));
        var headerBytes = FixedHeaderBytes + 4 * contents.Voters.Count + 8;
        var file = new byte[headerBytes + contents.Data.Length + ChecksumBytes];
        var span = file.AsSpan();
        Magic.CopyTo(span);
        BinaryPrimitives.WriteInt32LittleEndian(span[8..], Version);
        BinaryPrimitives.WriteInt64LittleEndian(span[12..], contents.Index);
        BinaryPrimitives.WriteInt64LittleEndian(span[20..], contents.Term);
        BinaryPrimitives.WriteInt32LittleEndian(span[28..], contents.Voters.Count);
        var at = FixedHeaderBytes;
        foreach (var voter in contents.Voters)
        {
            BinaryPrimitives.WriteInt32LittleEndian(span[at..], voter);
            at += 4;
        }
        BinaryPrimitives.WriteInt64LittleEndian(span[at..], contents.Data.Length);
        at += 8;
        contents.Data.Span.CopyTo(span[at..]);
        at += contents.Data.Length;
        SHA256.HashData(span[..at], span[at..]);
        return file;
    }

    /// <summary>
    /// Validates and decodes a complete file image: magic, version, lengths and checksum are checked
    /// before anything is returned. Throws <see cref="BackupFormatException"/> with what is wrong.
    /// </summary>
    public static BackupContents Decode(ReadOnlySpan<byte> file)
    {
        if (file.Length < Magic.Length || !file[..Magic.Length].SequenceEqual(Magic))
        {
            throw new BackupFormatException("not a RaftOrleans backup file (bad magic)");
        }
        if (file.Length < FixedHeaderBytes)
        {
            throw new BackupFormatException($"truncated backup file: {file.Length} bytes is shorter than the header");
        }
        var version = BinaryPrimitives.ReadInt32LittleEndian(file[8..]);
        if (version != Version)
        {
            throw new BackupFormatException($"unsupported backup format version {version} (this build reads version {Version})");
        }
        var index = BinaryPrimitives.ReadInt64LittleEndian(file[12..]);
        var term = BinaryPrimitives.ReadInt64LittleEndian(file[20..]);
        var voterCount = BinaryPrimitives.ReadInt32LittleEndian(file[28..]);
        if (voterCount < 0 || voterCount > MaxVoters)
        {
            throw new BackupFormatException($"damaged backup file: voter count {voterCount} is out of range");
        }
        var lengthAt = FixedHeaderBytes + 4L * voterCount;
        if (file.Length < lengthAt + 8)
        {
            throw new BackupFormatException($"truncated backup file: {file.Length} bytes is shorter than the header");
        }
        var dataLength = BinaryPrimitives.ReadInt64LittleEndian(file[(int)lengthAt..]);
        var dataAt = lengthAt + 8;
        var expected = dataAt + dataLength + ChecksumBytes;
        if (dataLength < 0 || expected != file.Length)
        {
            throw new BackupFormatException(dataLength >= 0 && file.Length < expected
                ? $"truncated backup file: {file.Length} bytes, the header announces {expected}"
                : $"damaged backup file: {file.Length} bytes, the header announces {(dataLength < 0 ? "a negative data length" : expected.ToString(System.Globalization.CultureInfo.InvariantCulture))}");
        }
        Span<byte> actual = stackalloc byte[ChecksumBytes];
        var covered = (int)(dataAt + dataLength);
        SHA256.HashData(file[..covered], actual);
        if (!actual.SequenceEqual(file[covered..]))
        {
            throw new BackupFormatException("damaged backup file: SHA-256 checksum mismatch");
        }
        if (index < 0 || term < 0 || (index > 0 && term == 0))
        {
            throw new BackupFormatException($"damaged backup file: index {index} term {term} is not a snapshot position");
        }
        var voters = new int[voterCount];
        for (var i = 0; i < voterCount; i++) voters[i] = BinaryPrimitives.ReadInt32LittleEndian(file[(FixedHeaderBytes + 4 * i)..]);
        return new BackupContents(index, term, voters, file.Slice((int)dataAt, (int)dataLength).ToArray());
    }

    /// <summary>Reads and decodes the file at <paramref name="path"/> (see <see cref="Decode"/>).</summary>
    public static async Task<BackupContents> ReadFileAsync(string path, CancellationToken cancellationToken = default)
    {
        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(path, cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BackupFormatException($"cannot read backup file {path}: {e.Message}");
        }
        return Decode(bytes);
    }

    /// <summary>The lower-case hex SHA-256 trailer of an encoded file.</summary>
    public static string ChecksumHex(ReadOnlySpan<byte> file)
        => Convert.ToHexStringLower(file[^ChecksumBytes..]);
}
