using System.Globalization;

namespace RaftOrleans.Bench.Soak;

/// <summary>Reads a process's resident set size from Linux's <c>/proc/{pid}/status</c> (the <c>VmRSS</c> line).</summary>
public static class ProcessMemory
{
    private static readonly char[] Separators = [' ', '\t'];

    /// <summary>
    /// The RSS in bytes of process <paramref name="pid"/> under <paramref name="procRoot"/>, or null when
    /// the process is gone, is a zombie (no <c>VmRSS</c> line), or the file cannot be read.
    /// </summary>
    public static long? RssBytes(int pid, string procRoot = "/proc")
    {
        try
        {
            return ParseVmRss(File.ReadAllText(Path.Combine(procRoot, pid.ToString(CultureInfo.InvariantCulture), "status")));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The <c>VmRSS:   1234 kB</c> value of a status file's text, in bytes; null when absent or malformed.</summary>
    public static long? ParseVmRss(string statusText)
    {
        foreach (var line in statusText.Split('\n'))
        {
            if (!line.StartsWith("VmRSS:", StringComparison.Ordinal)) continue;
            var parts = line["VmRSS:".Length..].Split(Separators, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 2 || parts[1] != "kB") return null;
            return long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var kb) ? kb * 1024 : null;
        }
        return null;
    }

    /// <summary>True while <paramref name="pid"/> exists and is not a zombie (a killed member that nobody has reaped yet has exited).</summary>
    public static bool IsRunning(int pid, string procRoot = "/proc")
    {
        try
        {
            foreach (var line in File.ReadLines(Path.Combine(procRoot, pid.ToString(CultureInfo.InvariantCulture), "status")))
            {
                if (line.StartsWith("State:", StringComparison.Ordinal)) return !line["State:".Length..].TrimStart().StartsWith('Z') && !line["State:".Length..].TrimStart().StartsWith('X');
            }
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
