using RaftOrleans.Grains.AdoNet;

namespace RaftOrleans.Grains.Baseline;

/// <summary>Hosting of the unreplicated benchmark baseline on a silo.</summary>
public static class BaselineHostingExtensions
{
    /// <summary>The grain storage provider the baseline store writes to.</summary>
    public const string StorageProviderName = "raftkv-baseline";

    /// <summary>
    /// Adds the storage the baseline store needs: the same ADO.NET SQLite grain storage the Raft
    /// replicas use (<see cref="SqliteHostingExtensions.AddRaftSqliteGrainStorage"/>), on its own file,
    /// so the two differ only by replication. The baseline grains themselves are in this assembly.
    /// </summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="databasePath">The SQLite file of the baseline store.</param>
    /// <returns>The <paramref name="builder"/>, for chaining.</returns>
    public static ISiloBuilder AddRaftBaselineStore(this ISiloBuilder builder, string databasePath)
        => builder.AddRaftSqliteGrainStorage(StorageProviderName, databasePath);
}
