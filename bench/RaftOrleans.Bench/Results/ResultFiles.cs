using System.Text.Json;
using System.Text.Json.Serialization;

namespace RaftOrleans.Bench.Results;

/// <summary>Reads and writes result files (indented camel-case JSON, one result per file).</summary>
public static class ResultFiles
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Writes <paramref name="run"/> as <c>run-{target}-{workload}-c{clients}.json</c>; returns the path.</summary>
    public static string Write(string directory, RunResult run)
        => WriteFile(directory, $"run-{run.Target}-{run.Workload}-c{run.Clients}.json", run);

    /// <summary>Writes <paramref name="failover"/> as <c>failover-{target}-{victim}.json</c>; returns the path.</summary>
    public static string Write(string directory, FailoverResult failover)
        => WriteFile(directory, $"failover-{failover.Target}-{failover.Victim}.json", failover);

    /// <summary>Every run result in <paramref name="directory"/>.</summary>
    public static List<RunResult> ReadRuns(string directory) => Read<RunResult>(directory, "run-*.json");

    /// <summary>Every failover result in <paramref name="directory"/>.</summary>
    public static List<FailoverResult> ReadFailovers(string directory) => Read<FailoverResult>(directory, "failover-*.json");

    /// <summary>Writes <paramref name="value"/> as JSON to <paramref name="name"/> in <paramref name="directory"/>; returns the path.</summary>
    internal static string WriteFile<T>(string directory, string name, T value)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, name);
        File.WriteAllText(path, JsonSerializer.Serialize(value, Options));
        return path;
    }

    /// <summary>Every result matching <paramref name="pattern"/> in <paramref name="directory"/>, in name order.</summary>
    internal static List<T> Read<T>(string directory, string pattern)
        => Directory.Exists(directory)
            ? [.. Directory.GetFiles(directory, pattern).Order(StringComparer.Ordinal)
                .Select(f => JsonSerializer.Deserialize<T>(File.ReadAllText(f), Options)
                    ?? throw new InvalidDataException($"{f} holds no result"))]
            : [];
}
