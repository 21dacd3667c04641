using System.Globalization;

namespace RaftOrleans.Bench.Results;

/// <summary>What the machine was doing when a result was taken, so a reader can judge the noise.</summary>
public sealed record MachineInfo
{
    /// <summary>Logical processors.</summary>
    public int Cores { get; init; }
    /// <summary>The 1-minute load average at the start of the run (Linux), or -1.</summary>
    public double LoadAverage1m { get; init; }

    /// <summary>Reads the current machine state.</summary>
    public static MachineInfo Current()
    {
        var load = -1.0;
        try
        {
            var first = File.ReadAllText("/proc/loadavg").Split(' ')[0];
            load = double.Parse(first, CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            // Not Linux, or no /proc: the load is simply unknown.
        }
        return new MachineInfo { Cores = Environment.ProcessorCount, LoadAverage1m = load };
    }
}
