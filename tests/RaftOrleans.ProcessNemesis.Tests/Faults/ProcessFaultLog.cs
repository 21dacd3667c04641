using System.Diagnostics;
using System.Text;

namespace RaftOrleans.ProcessNemesis.Tests.Faults;

/// <summary>What the process nemesis did, with times since the run started. Thread-safe.</summary>
public sealed class ProcessFaultLog
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<string> _lines = [];

    /// <summary>Appends a line stamped with the run time.</summary>
    public void Write(string line)
    {
        lock (_lines) _lines.Add($"{_clock.Elapsed.TotalSeconds,7:0.00}s {line}");
    }

    /// <inheritdoc />
    public override string ToString()
    {
        lock (_lines) return new StringBuilder().AppendJoin('\n', _lines).AppendLine().ToString();
    }
}
