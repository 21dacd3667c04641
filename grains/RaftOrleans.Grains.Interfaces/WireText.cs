namespace RaftOrleans.Grains;

/// <summary>
/// Orleans serializes strings as UTF-8 and replaces a lone UTF-16 surrogate (which has no UTF-8
/// form) with U+FFFD on the way: a key such as <c>"a\uD800"</c> would arrive at the gateway as
/// <c>"a\uFFFD"</c>, a different, valid key — silently aliasing every key that differs only in
/// its lone surrogates. The client side must therefore reject such strings before they are sent,
/// with the same message the store itself gives.
/// </summary>
internal static class WireText
{
    /// <summary>A bad-input response naming the first of <paramref name="parts"/> that holds a lone surrogate, or null.</summary>
    public static KvResponse? RejectLoneSurrogates(params ReadOnlySpan<(string What, string? Text)> parts)
    {
        foreach (var (what, text) in parts)
        {
            if (text is not null && FindLoneSurrogate(text) is var at && at >= 0)
            {
                return KvResponse.BadInput($"{what} contains an invalid UTF-16 surrogate at position {at}");
            }
        }
        return null;
    }

    /// <summary>The index of the first unpaired surrogate in <paramref name="text"/>, or -1.</summary>
    public static int FindLoneSurrogate(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }
            if (char.IsSurrogate(text[i])) return i;
        }
        return -1;
    }
}
