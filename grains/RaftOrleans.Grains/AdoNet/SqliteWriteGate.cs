using Microsoft.Extensions.DependencyInjection;

namespace RaftOrleans.Grains.AdoNet;

/// <summary>
/// Lets one write at a time into a SQLite grain-storage file from this process. SQLite admits one
/// writer per file; a second one gets SQLITE_BUSY, and Microsoft.Data.Sqlite answers that with a
/// 150 ms <c>Thread.Sleep</c> before it retries. A replica writes its log (the pump) while its
/// snapshot rows and chunk deletes are written in the background, so without this gate every
/// overlap cost a log append 150 ms: measured, puts at 64 clients had p99 167 ms with snapshots on,
/// 35 ms with them off. Waiting here instead costs the other write's own duration (milliseconds).
/// Registered per storage provider by <c>AddRaftSqliteGrainStorage</c> (RaftOrleans.Grains.Sqlite);
/// providers that take concurrent writers (PostgreSQL) have none.
/// </summary>
public sealed class SqliteWriteGate
{
    private readonly SemaphoreSlim _one = new(1, 1);

    /// <summary>The gate of the storage provider <paramref name="providerName"/>, or null when it needs none.</summary>
    public static SqliteWriteGate? For(IServiceProvider services, string providerName)
        => services.GetKeyedService<SqliteWriteGate>(providerName);

    /// <summary>
    /// Makes the provider <paramref name="decoratorName"/>, a decorator over <paramref name="providerName"/>
    /// (a test or fault hook), share the real provider's gate: both write the same file.
    /// </summary>
    public static void ShareWith(IServiceCollection services, string providerName, string decoratorName)
        // A null from the factory is a missing service to GetKeyedService: no gate for the decorator either.
        => services.AddKeyedSingleton(decoratorName, (sp, _) => For(sp, providerName)!);

    /// <summary>Runs <paramref name="write"/> once no other write through this gate is running.</summary>
    public async Task RunAsync(Func<Task> write)
    {
        await _one.WaitAsync();
        try
        {
            await write();
        }
        finally
        {
            _one.Release();
        }
    }
}
