namespace RaftOrleans.Grains.Tests.Backends;

/// <summary>The back ends the shared integration scenarios run on.</summary>
public enum StorageBackend
{
    /// <summary>SQLite files: one cluster file, one storage file per silo.</summary>
    Sqlite,

    /// <summary>One PostgreSQL database for membership, reminders and every silo's Raft storage.</summary>
    Postgres,
}
