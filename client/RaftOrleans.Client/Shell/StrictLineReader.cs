using System.Text;

namespace RaftOrleans.Client.Shell;

/// <summary>One input line: its 1-based number and its text, or why it could not be decoded.</summary>
/// <param name="Number">1-based line number in the input.</param>
/// <param name="Text">The decoded line (null when <paramref name="Error"/> is set).</param>
/// <param name="Error">Why the line's bytes are not text, or null.</param>
public sealed record InputLine(int Number, string? Text, string? Error);

/// <summary>
/// Reads lines of UTF-8 from raw bytes and decodes each with a throwing decoder, so bytes that are not
/// valid UTF-8 are reported, never stored as U+FFFD (what Console.In does). Decoding per line keeps
/// the reader usable after a bad line: the shell answers it with bad_input and goes on. Lines end at
/// '\n'; a '\r' before it is dropped.
/// </summary>
public sealed class StrictLineReader(Stream input)
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private readonly byte[] _buffer = new byte[8192];
    private readonly MemoryStream _line = new();
    private int _start;
    private int _end;
    private int _number;

    /// <summary>The next line, or null at end of input.</summary>
    public async Task<InputLine?> ReadLineAsync(CancellationToken cancellationToken)
    {
        _line.SetLength(0);
        while (true)
        {
            if (_start == _end)
            {
                _start = 0;
                _end = await input.ReadAsync(_buffer, cancellationToken);
                if (_end == 0)
                {
                    return _line.Length == 0 ? null : Decode();
                }
            }
            int newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (newline < 0)
            {
                _line.Write(_buffer, _start, _end - _start);
                _start = _end;
                continue;
            }
            _line.Write(_buffer, _start, newline - _start);
            _start = newline + 1;
            return Decode();
        }
    }

    private InputLine Decode()
    {
        _number++;
        ReadOnlySpan<byte> bytes = _line.GetBuffer().AsSpan(0, (int)_line.Length);
        if (bytes is [.., (byte)'\r'])
        {
            bytes = bytes[..^1];
        }
        if (_number == 1 && bytes.StartsWith(Strict.Preamble))
        {
            bytes = bytes[Strict.Preamble.Length..];
        }
        try
        {
            return new InputLine(_number, Strict.GetString(bytes), null);
        }
        catch (DecoderFallbackException e)
        {
            string at = e.Index >= 0 && e.BytesUnknown is { Length: > 0 } unknown
                ? $" (byte 0x{unknown[0]:X2} at byte offset {e.Index})"
                : "";
            return new InputLine(_number, null, $"line {_number} is not valid UTF-8{at}; nothing was sent");
        }
    }
}
