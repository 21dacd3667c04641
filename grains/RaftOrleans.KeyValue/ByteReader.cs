using System.Buffers;
using System.Text.Unicode;

namespace RaftOrleans.KeyValue;

/// <summary>
/// Reads what <see cref="ByteWriter"/> wrote. Every method returns false on truncated, overlong or
/// invalid input instead of throwing, because decoders are fed untrusted bytes.
/// </summary>
internal ref struct ByteReader(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> _data = data;
    private int _position;

    public readonly int Remaining => _data.Length - _position;

    public bool TryReadByte(out byte value)
    {
        if (_position >= _data.Length)
        {
            value = 0;
            return false;
        }
        value = _data[_position++];
        return true;
    }

    /// <summary>Reads a canonical (shortest-form) LEB128 number.</summary>
    public bool TryReadVarUInt(out ulong value)
    {
        value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (!TryReadByte(out byte b)) return false;
            ulong part = (ulong)(b & 0x7F);
            // The tenth byte may only carry the single top bit of a 64-bit number.
            if (shift == 63 && part > 1) return false;
            value |= part << shift;
            // A final zero byte after the first is an overlong encoding; rejecting it keeps one
            // encoding per number, so equal commands are equal bytes.
            if ((b & 0x80) == 0) return shift == 0 || b != 0;
        }
        return false;
    }

    public bool TryReadVarInt(out long value)
    {
        if (!TryReadVarUInt(out ulong raw))
        {
            value = 0;
            return false;
        }
        value = (long)(raw >> 1) ^ -(long)(raw & 1);
        return true;
    }


    /// <summary>Reads a length-prefixed string; false if the length overruns the data or the bytes are not valid UTF-8.</summary>
    public bool TryReadString(out string value)
    {
        value = string.Empty;
        if (!TryReadVarUInt(out ulong length) || length > (ulong)Remaining) return false;
        ReadOnlySpan<byte> bytes = _data.Slice(_position, (int)length);
        // UTF-16 never needs more chars than UTF-8 has bytes.
        char[] chars = ArrayPool<char>.Shared.Rent(Math.Max(1, bytes.Length));
        try
        {
            OperationStatus status = Utf8.ToUtf16(bytes, chars, out int read, out int written, replaceInvalidSequences: false);
            if (status != OperationStatus.Done || read != bytes.Length) return false;
            value = new string(chars, 0, written);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
        _position += (int)length;
        return true;
    }
}
