using System.Reflection;

namespace RaftOrleans.Silo.Local;

/// <summary>How to start another instance of this executable, whether it runs as an apphost or via <c>dotnet raftkv-silo.dll</c>.</summary>
public static class SelfCommand
{
    /// <summary>The program and the leading arguments that re-run this executable.</summary>
    public static IReadOnlyList<string> Resolve()
    {
        string processPath = Environment.ProcessPath
            ?? throw new InvalidOperationException("cannot tell the path of this executable");
        string fileName = Path.GetFileNameWithoutExtension(processPath);
        if (string.Equals(fileName, "dotnet", StringComparison.OrdinalIgnoreCase))
        {
            string assembly = Assembly.GetEntryAssembly()?.Location
                ?? throw new InvalidOperationException("cannot tell the path of raftkv-silo.dll");
            return [processPath, assembly];
        }
        return [processPath];
    }
}
