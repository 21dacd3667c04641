using System.Reflection;

namespace RaftOrleans.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Finds the built <c>raftkv-silo</c> and <c>raftkv</c> executables: the same configuration as this
/// test assembly, or the folders in <c>RAFTKV_E2E_SILO_DIR</c> / <c>RAFTKV_E2E_CLIENT_DIR</c>.
/// </summary>
public static class Executables
{
    /// <summary>The silo host executable.</summary>
    public static string Silo => Find("RAFTKV_E2E_SILO_DIR", "silo/RaftOrleans.Silo", "raftkv-silo");

    /// <summary>The console client executable.</summary>
    public static string Client => Find("RAFTKV_E2E_CLIENT_DIR", "client/RaftOrleans.Client", "raftkv");

    private static string Find(string environmentVariable, string project, string name)
    {
        string directory = Environment.GetEnvironmentVariable(environmentVariable) is { Length: > 0 } fromEnvironment
            ? fromEnvironment
            : Path.Combine(Metadata("RepositoryRoot"), project, "bin", Metadata("BuildConfiguration"), "net10.0");
        string path = Path.Combine(directory, name);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{name} is not built: expected {path} (build the solution, or set {environmentVariable})", path);
        }
        return path;
    }

    private static string Metadata(string key)
        => typeof(Executables).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
            ?? throw new InvalidOperationException($"assembly metadata {key} is empty");
}
