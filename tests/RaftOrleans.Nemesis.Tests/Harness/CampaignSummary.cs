using System.Globalization;
using System.Text;

namespace RaftOrleans.Nemesis.Tests.Harness;

/// <summary>The totals of a campaign of runs: what the closing report quotes.</summary>
public sealed class CampaignSummary(string name)
{
    private readonly List<NemesisRunReport> _runs = [];

    /// <summary>Runs so far.</summary>
    public IReadOnlyList<NemesisRunReport> Runs => _runs;

    /// <summary>Adds a run.</summary>
    public void Add(NemesisRunReport report) => _runs.Add(report);

    /// <summary>One line with every total.</summary>
    public string Line()
    {
        var faults = _runs.SelectMany(r => r.Faults).GroupBy(p => p.Key, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key}={g.Sum(p => p.Value)}");
        return string.Create(CultureInfo.InvariantCulture,
            $"Nemesis {name}: {_runs.Count} runs ({_runs.Count(r => !r.Passed)} failed), {_runs.Sum(r => r.Operations)} operations, "
            + $"{_runs.Sum(r => r.Indeterminate)} indeterminate, {_runs.Sum(r => r.LinearizabilityViolations)} linearizability violations, "
            + $"{_runs.Sum(r => r.UndecidedKeys)} undecided keys, {_runs.Sum(r => r.LostWrites)} lost acknowledged writes, "
            + $"{_runs.Sum(r => r.MembershipChanges)} membership changes committed ({_runs.Sum(r => r.MembershipFaultsAmidOthers)} membership faults overlapping other faults), {_runs.Sum(r => r.Messages.Dropped)} messages dropped, {_runs.Sum(r => r.Elapsed.TotalSeconds):0} s; "
            + $"faults: {string.Join(" ", faults)}");
    }

    /// <summary>The totals line followed by one line per run.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder().AppendLine(Line());
        foreach (var run in _runs) sb.AppendLine("  " + run.Summary);
        return sb.ToString();
    }

    /// <summary>Appends the totals line to <paramref name="file"/> (when set).</summary>
    public void AppendTo(string? file)
    {
        if (file is null) return;
        File.AppendAllText(file, Line() + Environment.NewLine);
    }
}
