namespace RaftOrleans.Silo.Hosting;

/// <summary>Where a silo keeps its Raft storage or its cluster membership and reminders.</summary>
public enum BackendProvider
{
    /// <summary>Embedded SQLite files in the data directory (the default; one machine).</summary>
    Sqlite,

    /// <summary>A PostgreSQL server through Npgsql (several hosts); needs a connection string.</summary>
    Postgres,
}
