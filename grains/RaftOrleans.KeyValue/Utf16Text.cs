namespace RaftOrleans.KeyValue;

/// <summary>
/// UTF-16 well-formedness without exceptions. .NET strings may hold lone surrogates, which have no
/// UTF-8 form: encoding them would silently substitute U+FFFD and change the key, so they are
/// rejected instead.
/// </summary>
internal static class Utf16Text
{
    /// <summary>Counts the UTF-8 bytes of <paramref name="text"/>, or returns false and the index of
    /// the first lone surrogate.</summary>
    public static bool TryGetUtf8ByteCount(string text, out int byteCount, out int badIndex)
    {
        long count = 0;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c < 0x80) count += 1;
            else if (c < 0x800) count += 2;
            else if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1]))
                {
                    byteCount = 0;
                    badIndex = i;
                    return false;
                }
                count += 4;
                i++;
            }
            else if (char.IsLowSurrogate(c))
            {
                byteCount = 0;
                badIndex = i;
                return false;
            }
            else count += 3;
        }
        // A string's UTF-8 form is at most 3 bytes per char, so this fits an int for any real string.
        byteCount = (int)Math.Min(count, int.MaxValue);
        badIndex = -1;
        return true;
    }
}
