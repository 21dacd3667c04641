using System.Globalization;
using System.Text;

namespace RaftOrleans.Bench.Stall;

/// <summary>One measured figure of the stall benchmark, with its target.</summary>
/// <param name="Figure">What was measured.</param>
/// <param name="Value">The measurement, formatted.</param>
/// <param name="Target">The target, formatted.</param>
/// <param name="Met">Whether the target was met.</param>
public sealed record StallRow(string Figure, string Value, string Target, bool Met);

/// <summary>The stall benchmark's result table (Markdown, so it pastes into a report).</summary>
public static class StallTable
{
    /// <summary>Renders <paramref name="rows"/> as a Markdown table under <paramref name="title"/>.</summary>
    public static string Render(string title, IEnumerable<StallRow> rows)
    {
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"### {title}\n\n| figure | value | target | met |\n|---|---|---|---|\n");
        foreach (var row in rows) text.Append(CultureInfo.InvariantCulture, $"| {row.Figure} | {row.Value} | {row.Target} | {(row.Met ? "yes" : "**no**")} |\n");
        return text.ToString();
    }
}
