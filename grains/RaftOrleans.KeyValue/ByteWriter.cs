using System.Buffers;
using System.Text.Unicode;

namespace RaftOrleans.KeyValue;

/// <summary>
/// Appends the primitives of this library's binary formats: LEB128 varints (small numbers take one
/// byte), zig-zag signed varints, and length-prefixed strict UTF-8 strings.
/// </summary>
internal sealed class ByteWriter(int initialCapacity = 64)
{
    private byte[] _buffer = new byte[Math.Max(16, initialCapacity)];
    private int _length;

    public void WriteByte(byte value)
    {
        Ensure(1);
        _buffer[_length++] = value;
    }

    public void WriteVarUInt(ulong value)
    {
        Ensure(10);
        while (value >= 0x80)
        {
            _buffer[_length++] = (byte)(value | 0x80);
            value >>= 7;
        }
        _buffer[_length++] = (byte)value;
    }

    /// <summary>Zig-zag maps small negative numbers to small unsigned ones, so any long round-trips compactly.</summary>
    public void WriteVarInt(long value) => WriteVarUInt((ulong)((value << 1) ^ (value >> 63)));

    /// <summary>Writes a length-prefixed UTF-8 string. Throws <see cref="ArgumentException"/> on a lone
    /// surrogate rather than silently replacing it.</summary>
    public void WriteString(string value, string what)
    {
        if (!Utf16Text.TryGetUtf8ByteCount(value, out int byteCount, out int badIndex))
            throw new ArgumentException($"{what} contains an invalid UTF-16 surrogate at position {badIndex}.");
        WriteVarUInt((ulong)byteCount);
        Ensure(byteCount);
        OperationStatus status = Utf8.FromUtf16(value, _buffer.AsSpan(_length, byteCount), out _, out int written, replaceInvalidSequences: false);
        if (status != OperationStatus.Done || written != byteCount)
            throw new ArgumentException($"{what} could not be encoded as UTF-8 ({status}).");
        _length += written;
    }

    /// <summary>Appends raw bytes (something this writer format encoded before), with no length prefix.</summary>
    public void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    /// <summary>Bytes written so far.</summary>
    public int Length => _length;

    public byte[] ToArray() => _buffer.AsSpan(0, _length).ToArray();

    private void Ensure(int extra)
    {
        if (_length + extra <= _buffer.Length) return;
        int size = Math.Max(_buffer.Length * 2, _length + extra);
        Array.Resize(ref _buffer, size);
    }
}
