using System.Text.RegularExpressions;

namespace RaftOrleans.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Reads what <c>raftkv</c> says each gateway did: the <c>gateways: ...</c> line <c>--verbose</c>
/// prints after a command, or the <c>[via ...; gateways: ...]</c> part of an unavailable message.
/// </summary>
public static partial class GatewayReport
{
    /// <summary>Each gateway port named in <paramref name="text"/> with what it did ("ok in 80 ms", "refused", ...).</summary>
    public static IReadOnlyDictionary<int, string> Parse(string text)
    {
        Match line = VerboseLine().Match(text);
        if (!line.Success)
        {
            line = UnavailableSuffix().Match(text);
        }
        if (!line.Success)
        {
            throw new FormatException($"no gateway report in: {text}");
        }
        return line.Groups["report"].Value
            .Split("; ")
            .Select(part => EntryPattern().Match(part))
            .Where(m => m.Success)
            .ToDictionary(m => int.Parse(m.Groups["port"].Value), m => m.Groups["outcome"].Value);
    }

    [GeneratedRegex(@"(?m)^gateways: (?<report>.+?)\r?$")]
    private static partial Regex VerboseLine();

    [GeneratedRegex(@"\[via [^;\]]+; gateways: (?<report>[^\]]+)\]")]
    private static partial Regex UnavailableSuffix();

    [GeneratedRegex(@"^127\.0\.0\.1:(?<port>\d+) (?<outcome>.+)$")]
    private static partial Regex EntryPattern();
}
