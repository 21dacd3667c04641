using System.Reflection;

namespace RaftOrleans.Grains.AdoNet;

/// <summary>
/// Reads the project's SQL scripts, embedded from <c>Sql/{dialect}/{name}.sql</c> of this project.
/// </summary>
internal static class SqlScripts
{
    private static readonly Assembly ScriptAssembly = typeof(SqlScripts).Assembly;

    /// <summary>Returns the text of one script.</summary>
    /// <param name="dialect">The folder under <c>Sql</c>, for example <c>"Sqlite"</c>.</param>
    /// <param name="name">The file name without <c>.sql</c>, for example <c>"Storage"</c>.</param>
    /// <exception cref="InvalidOperationException">The script is not embedded in this assembly.</exception>
    public static string Read(string dialect, string name)
    {
        // MSBuild names an embedded file after the root namespace and its folder path, dots for slashes.
        var resourceName = $"RaftOrleans.Grains.AdoNet.Sql.{dialect}.{name}.sql";
        using var stream = ScriptAssembly.GetManifestResourceStream(resourceName)
            ?? throw new InvalidOperationException(
                $"SQL script '{resourceName}' is not embedded in {ScriptAssembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
