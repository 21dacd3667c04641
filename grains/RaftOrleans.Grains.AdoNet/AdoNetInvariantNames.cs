namespace RaftOrleans.Grains.AdoNet;

/// <summary>
/// Invariant names that Orleans' ADO.NET providers accept, for the databases this project supports.
/// </summary>
public static class AdoNetInvariantNames
{
    /// <summary>
    /// SQLite. Orleans maps this name to <c>Microsoft.Data.Sqlite</c>; the name
    /// <c>"Microsoft.Data.Sqlite"</c> itself is rejected at silo start.
    /// </summary>
    public const string Sqlite = "System.Data.SQLite";

    /// <summary>PostgreSQL through Npgsql.</summary>
    public const string PostgreSql = "Npgsql";
}
