namespace RaftOrleans.Grains.AdoNet;

/// <summary>
/// A PostgreSQL database lacks a schema part a provider needs, or holds it at an older version than this
/// build reads. Production silos never create or upgrade the schema themselves (several hosts would race,
/// and the silo's database user should not need DDL rights); the operator runs the migration command.
/// </summary>
public sealed class AdoNetSchemaMissingException : InvalidOperationException
{
    /// <summary>The command that creates or upgrades the schema, named in the message.</summary>
    public const string MigrateCommand = "raftkv-silo migrate --postgres \"<connection string>\"";

    /// <summary>Creates the exception.</summary>
    /// <param name="database">The database name.</param>
    /// <param name="part">The part that is missing or old.</param>
    /// <param name="installedVersion">The version installed, or null when the part is missing.</param>
    /// <param name="requiredVersion">The version this build needs.</param>
    public AdoNetSchemaMissingException(string database, SqliteSchemaParts part, int? installedVersion, int requiredVersion)
        : base((installedVersion is null
                   ? $"PostgreSQL database '{database}' has no {part} schema"
                   : $"PostgreSQL database '{database}' holds the {part} schema at version {installedVersion}, this build needs version {requiredVersion}")
               + $". Run `{MigrateCommand}` once against it, then start the silo again.")
    {
        Database = database;
        Part = part;
        InstalledVersion = installedVersion;
        RequiredVersion = requiredVersion;
    }

    /// <summary>The database name.</summary>
    public string Database { get; }

    /// <summary>The part that is missing or old.</summary>
    public SqliteSchemaParts Part { get; }

    /// <summary>The version installed, or null when the part is missing.</summary>
    public int? InstalledVersion { get; }

    /// <summary>The version this build needs.</summary>
    public int RequiredVersion { get; }
}
