using Microsoft.Data.Sqlite;

namespace RaftOrleans.Grains.Tests.AdoNet;

/// <summary>A fresh temporary directory for database files, deleted on dispose.</summary>
internal sealed class TempDatabaseDirectory : IDisposable
{
    public TempDatabaseDirectory()
    {
        DirectoryPath = Path.Combine(Path.GetTempPath(), "raftorleans-sqlite-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(DirectoryPath);
    }

    /// <summary>The directory.</summary>
    public string DirectoryPath { get; }

    /// <summary>A path in the directory (the file is not created).</summary>
    public string PathOf(string relativePath) => Path.Combine(DirectoryPath, relativePath);

    public void Dispose()
    {
        // Pooled connections keep files open; release them before deleting.
        SqliteConnection.ClearAllPools();
        Directory.Delete(DirectoryPath, recursive: true);
    }
}
