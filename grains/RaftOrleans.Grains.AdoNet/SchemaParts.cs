namespace RaftOrleans.Grains.AdoNet;

/// <summary>
/// What <c>SqliteSchema</c> (RaftOrleans.Grains.Sqlite) and <c>PostgreSqlSchema</c> (RaftOrleans.Grains.PostgreSql) share about schema parts: validation,
/// the order scripts run in, and the component names stored in <c>RaftOrleansSchema</c>.
/// </summary>
internal static class SchemaParts
{
    private static readonly SqliteSchemaParts[] InScriptOrder =
        [SqliteSchemaParts.Storage, SqliteSchemaParts.Clustering, SqliteSchemaParts.Reminders];

    /// <summary>Throws unless <paramref name="parts"/> names at least one part and only known ones.</summary>
    public static void Validate(SqliteSchemaParts parts)
    {
        if (parts == SqliteSchemaParts.None || (parts & ~SqliteSchemaParts.All) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(parts), parts, "Name at least one known schema part.");
        }
    }

    /// <summary>The single parts in <paramref name="parts"/>, in script order. The name of each is both
    /// its script file name and its component name in <c>RaftOrleansSchema</c>.</summary>
    public static IReadOnlyList<SqliteSchemaParts> Split(SqliteSchemaParts parts) =>
        [.. InScriptOrder.Where(part => parts.HasFlag(part))];

    /// <summary>The part a <c>RaftOrleansSchema.Component</c> value names, if this code knows it.
    /// A component written by a newer release is not one of our parts and blocks nothing.</summary>
    public static bool TryParseComponent(string component, out SqliteSchemaParts part)
    {
        part = InScriptOrder.FirstOrDefault(known => known.ToString() == component);
        return part != SqliteSchemaParts.None;
    }

    /// <summary>Throws if the database holds any of <paramref name="parts"/> at a newer version than
    /// <paramref name="supportedVersion"/>.</summary>
    public static void ThrowIfNewer(
        string database, SqliteSchemaParts parts, IReadOnlyDictionary<SqliteSchemaParts, int> installed, int supportedVersion)
    {
        foreach (var part in Split(parts))
        {
            if (installed.TryGetValue(part, out var version) && version > supportedVersion)
            {
                throw new AdoNetSchemaVersionException(database, part, version, supportedVersion);
            }
        }
    }
}
