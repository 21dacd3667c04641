namespace RaftOrleans.Grains.AdoNet;

/// <summary>
/// A database holds a schema part at a version newer than this code creates: it was written by a newer
/// release, and running older query texts against it could corrupt it.
/// </summary>
public sealed class SqliteSchemaVersionException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="databasePath">The database file.</param>
    /// <param name="part">The part found at a newer version.</param>
    /// <param name="installedVersion">The version the file holds.</param>
    /// <param name="supportedVersion">The newest version this code knows.</param>
    public SqliteSchemaVersionException(string databasePath, SqliteSchemaParts part, int installedVersion, int supportedVersion)
        : base($"'{databasePath}' holds the {part} schema at version {installedVersion}; " +
               $"this build supports up to version {supportedVersion}. Use a newer build or another file.")
    {
        DatabasePath = databasePath;
        Part = part;
        InstalledVersion = installedVersion;
        SupportedVersion = supportedVersion;
    }

    /// <summary>The database file.</summary>
    public string DatabasePath { get; }

    /// <summary>The part found at a newer version.</summary>
    public SqliteSchemaParts Part { get; }

    /// <summary>The version the file holds.</summary>
    public int InstalledVersion { get; }

    /// <summary>The newest version this code knows.</summary>
    public int SupportedVersion { get; }
}
