using System.Text.RegularExpressions;

namespace RaftOrleans.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Reads what <c>raftkv</c> says each gateway did: the <c>gateways: ...</c> line <c>--verbose</c>
/// prints after a command, or the <c>[via ...; gateways: ...]</c> part of an unavailable message.
/// </summary>
public static partial class GatewayReport
{
    /// <summary>What the report may say of a gateway that is down: anything but "ok".</summary>
    public const string NotServedPattern = @"^(not tried|not needed \(still connecting after \d+ ms\)|timed out \(.+\)|refused.*)$";

    /// <summary>What the report may say of a killed gateway: refused, or never (fully) tried because another answered first.</summary>
    public const string KilledPattern = @"^(not tried|not needed \(still connecting after \d+ ms\)|refused.*)$";

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
        return ParseEntries(line.Groups["report"].Value);
    }

    /// <summary>
    /// Each gateway port in a bare report ("127.0.0.1:1 refused; 127.0.0.1:2 ok in 80 ms", as
    /// <c>RaftKeyValueClient.Report</c> and the tail of a "no silo reachable" message hold it) with what it did.
    /// </summary>
    public static IReadOnlyDictionary<int, string> ParseEntries(string report)
        => report
            .Split("; ")
            .Select(part => EntryPattern().Match(part))
            .Where(m => m.Success)
            .ToDictionary(m => int.Parse(m.Groups["port"].Value), m => m.Groups["outcome"].Value);

    [GeneratedRegex(@"(?m)^gateways: (?<report>.+?)\r?$")]
    private static partial Regex VerboseLine();

    [GeneratedRegex(@"\[via [^;\]]+; gateways: (?<report>[^\]]+)\]")]
    private static partial Regex UnavailableSuffix();

    [GeneratedRegex(@"^127\.0\.0\.1:(?<port>\d+) (?<outcome>.+)$")]
    private static partial Regex EntryPattern();
}
