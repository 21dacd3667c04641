using System.Globalization;
using RaftOrleans.Bench.Results;

namespace RaftOrleans.Bench.Soak;

/// <summary>Reads and writes the soak's result files (indented camel-case JSON, like the other results).</summary>
public static class SoakFiles
{
    /// <summary>Writes <paramref name="soak"/> as <c>soak-{target}.json</c>; returns the path.</summary>
    public static string Write(string directory, SoakResult soak) => ResultFiles.WriteFile(directory, $"soak-{soak.Target}.json", soak);

    /// <summary>Writes <paramref name="point"/> as <c>keys-{target}-k{keys}.json</c>; returns the path.</summary>
    public static string Write(string directory, KeySweepResult point)
        => ResultFiles.WriteFile(directory, string.Create(CultureInfo.InvariantCulture, $"keys-{point.Target}-k{point.Keys}.json"), point);

    /// <summary>Every soak result in <paramref name="directory"/>.</summary>
    public static List<SoakResult> ReadSoaks(string directory) => ResultFiles.Read<SoakResult>(directory, "soak-*.json");

    /// <summary>Every key-sweep point in <paramref name="directory"/>.</summary>
    public static List<KeySweepResult> ReadKeySweep(string directory) => ResultFiles.Read<KeySweepResult>(directory, "keys-*.json");
}
