using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace RaftOrleans.Bench.Soak;

/// <summary>Reads and writes the soak's result files (indented camel-case JSON, like the other results).</summary>
public static class SoakFiles
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Writes <paramref name="soak"/> as <c>soak-{target}.json</c>; returns the path.</summary>
    public static string Write(string directory, SoakResult soak) => WriteFile(directory, $"soak-{soak.Target}.json", soak);

    /// <summary>Writes <paramref name="point"/> as <c>keys-{target}-k{keys}.json</c>; returns the path.</summary>
    public static string Write(string directory, KeySweepResult point)
        => WriteFile(directory, string.Create(CultureInfo.InvariantCulture, $"keys-{point.Target}-k{point.Keys}.json"), point);

    /// <summary>Every soak result in <paramref name="directory"/>.</summary>
    public static List<SoakResult> ReadSoaks(string directory) => Read<SoakResult>(directory, "soak-*.json");

    /// <summary>Every key-sweep point in <paramref name="directory"/>.</summary>
    public static List<KeySweepResult> ReadKeySweep(string directory) => Read<KeySweepResult>(directory, "keys-*.json");

    private static string WriteFile<T>(string directory, string name, T value)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, name);
        File.WriteAllText(path, JsonSerializer.Serialize(value, Options));
        return path;
    }

    private static List<T> Read<T>(string directory, string pattern)
        => Directory.Exists(directory)
            ? [.. Directory.GetFiles(directory, pattern).Order(StringComparer.Ordinal)
                .Select(f => JsonSerializer.Deserialize<T>(File.ReadAllText(f), Options) ?? throw new InvalidDataException($"{f} holds no result"))]
            : [];
}
