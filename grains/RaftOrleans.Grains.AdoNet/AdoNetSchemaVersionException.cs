namespace RaftOrleans.Grains.AdoNet;

/// <summary>
/// A database holds a schema part at a version newer than this code creates: it was written by a newer
/// release, and running older query texts against it could corrupt it. Nothing was changed.
/// </summary>
public sealed class AdoNetSchemaVersionException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="database">The database (a file path, or a server database name).</param>
    /// <param name="part">The part found at a newer version.</param>
    /// <param name="installedVersion">The version the database holds.</param>
    /// <param name="supportedVersion">The newest version this code knows.</param>
    public AdoNetSchemaVersionException(string database, SqliteSchemaParts part, int installedVersion, int supportedVersion)
        : base($"'{database}' holds the {part} schema at version {installedVersion}; " +
               $"this build supports up to version {supportedVersion}. Use a newer build or another database.")
    {
        Database = database;
        Part = part;
        InstalledVersion = installedVersion;
        SupportedVersion = supportedVersion;
    }

    /// <summary>The database (a file path, or a server database name).</summary>
    public string Database { get; }

    /// <summary>The part found at a newer version.</summary>
    public SqliteSchemaParts Part { get; }

    /// <summary>The version the database holds.</summary>
    public int InstalledVersion { get; }

    /// <summary>The newest version this code knows.</summary>
    public int SupportedVersion { get; }
}
