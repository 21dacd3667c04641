using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace RaftOrleans.Nemesis.Tests.Faults;

/// <summary>What the nemesis actually did and when (targets resolved, faults skipped), for the
/// failure report next to the planned schedule. Thread-safe.</summary>
public sealed class FaultLog(Stopwatch clock)
{
    private readonly object _gate = new();
    private readonly List<string> _lines = [];
    private readonly Dictionary<string, int> _injected = new(StringComparer.Ordinal);

    /// <summary>Faults that took effect, by spec name.</summary>
    public IReadOnlyDictionary<string, int> Injected
    {
        get { lock (_gate) return new Dictionary<string, int>(_injected, StringComparer.Ordinal); }
    }

    private int _membershipChanges;

    /// <summary>Membership changes the nemesis asked for and saw committed (adds, promotions, removals).</summary>
    public int MembershipChanges => Volatile.Read(ref _membershipChanges);

    /// <summary>Records a membership change the nemesis saw committed.</summary>
    public void MembershipChanged(string what)
    {
        Interlocked.Increment(ref _membershipChanges);
        Write("membership: " + what + ": committed");
    }

    private int _membershipAmid;

    /// <summary>Membership faults that took effect and overlapped another fault in effect at some moment of their life
    /// (from their first change to the end of their heal).</summary>
    public int MembershipFaultsAmidOthers => Volatile.Read(ref _membershipAmid);

    /// <summary>Counts a membership fault that overlapped other faults.</summary>
    public void MembershipAmidOtherFaults() => Interlocked.Increment(ref _membershipAmid);

    /// <summary>Records a line.</summary>
    public void Write(string text)
    {
        var line = string.Create(CultureInfo.InvariantCulture, $"{clock.Elapsed.TotalSeconds,7:0.00} s  {text}");
        lock (_gate) _lines.Add(line);
    }

    /// <summary>Records that <paramref name="e"/> took effect.</summary>
    public void Took(FaultEvent e, string detail)
    {
        Write($"#{e.Id} {e.Spec}: {detail}");
        lock (_gate) _injected[e.Spec.ToString()] = _injected.GetValueOrDefault(e.Spec.ToString()) + 1;
    }

    /// <summary>Every line so far.</summary>
    public override string ToString()
    {
        lock (_gate)
        {
            var sb = new StringBuilder();
            foreach (var line in _lines) sb.AppendLine("  " + line);
            return sb.ToString();
        }
    }
}
