using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text;

namespace RaftOrleans.Client.Cli;

/// <summary>
/// Input rules System.CommandLine does not enforce on its own: a token that looks like an option but
/// is none is rejected instead of becoming a key or value (<c>raftkv set --lease foo</c> must not
/// write the key <c>--lease</c>), unless it follows <c>--</c>; and command-line arguments whose bytes
/// are not valid UTF-8 are rejected instead of being stored as U+FFFD.
/// </summary>
public static class StrictInput
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The bad-input message for the first unknown option in <paramref name="parse"/>, or null.</summary>
    public static string? FindUnknownOption(ParseResult parse)
    {
        foreach (Token token in parse.Tokens)
        {
            if (token.Type == TokenType.DoubleDash)
            {
                return null;
            }
            // "-" alone is a value by convention (stdin); anything longer starting with '-' that the
            // parser did not recognise as an option is a typo or an unsupported option.
            if (token.Type == TokenType.Argument && token.Value.Length > 1 && token.Value[0] == '-')
            {
                return $"unknown option '{token.Value}' (to use it as a key or value, put -- before it, e.g. `set -- {token.Value} VALUE`)";
            }
        }
        return null;
    }

    /// <summary>
    /// On Linux, checks the raw bytes of the process arguments (<c>/proc/self/cmdline</c>; .NET has
    /// already decoded <paramref name="args"/> leniently) and returns a bad-input message for the
    /// first argument that is not valid UTF-8, or null. Elsewhere the raw bytes are not available and
    /// this returns null.
    /// </summary>
    public static string? FindInvalidArgumentBytes(string[] args)
    {
        if (!OperatingSystem.IsLinux() || args.Length == 0)
        {
            return null;
        }
        byte[] raw;
        try
        {
            raw = File.ReadAllBytes("/proc/self/cmdline");
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
        List<byte[]> entries = Split(raw);
        if (entries.Count < args.Length)
        {
            return null;
        }
        // The host's own arguments (the executable, or `dotnet raftkv.dll`) come first; ours are the tail.
        int offset = entries.Count - args.Length;
        for (int i = 0; i < args.Length; i++)
        {
            try
            {
                Strict.GetString(entries[offset + i]);
            }
            catch (DecoderFallbackException e)
            {
                string at = e.BytesUnknown is { Length: > 0 } unknown ? $" (byte 0x{unknown[0]:X2} at byte offset {e.Index})" : "";
                return $"argument {i + 1} ('{args[i]}') is not valid UTF-8{at}; nothing was sent";
            }
        }
        return null;
    }

    private static List<byte[]> Split(byte[] raw)
    {
        var entries = new List<byte[]>();
        int start = 0;
        for (int i = 0; i < raw.Length; i++)
        {
            if (raw[i] == 0)
            {
                entries.Add(raw[start..i]);
                start = i + 1;
            }
        }
        if (start < raw.Length)
        {
            entries.Add(raw[start..]);
        }
        return entries;
    }
}
