using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Messaging;
using Orleans.Runtime;
using Orleans.Runtime.Membership;
using RaftOrleans.Grains.Hosting;

namespace RaftOrleans.Grains.AdoNet;

/// <summary>
/// Hosting extensions that put Orleans' ADO.NET providers (clustering, grain storage, reminders) on SQLite
/// files, with the schema this project writes created on first start.
/// </summary>
/// <remarks>
/// Each extension is idempotent: calling it again with the same arguments changes nothing; calling it
/// again for the same provider with another file throws. The cluster file may be shared by every silo
/// and client of a cluster (on one machine); give each silo its own file for grain storage, because
/// SQLite lets one writer at a time into a file.
/// </remarks>
public static class SqliteHostingExtensions
{
    /// <summary>
    /// Uses the SQLite file at <paramref name="clusterDatabasePath"/> for cluster membership
    /// (Orleans' ADO.NET clustering). The membership schema is created when the silo starts, before
    /// the membership provider reads it.
    /// </summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="clusterDatabasePath">The cluster file, shared by every silo and client of the cluster.</param>
    /// <returns>The <paramref name="builder"/>, for chaining.</returns>
    public static ISiloBuilder UseRaftSqliteClustering(this ISiloBuilder builder, string clusterDatabasePath)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (!TryAddRequirement(builder.Services, "clustering", clusterDatabasePath, SqliteSchemaParts.Clustering, out var connectionString))
        {
            return builder;
        }

        AddSchemaInitializer(builder.Services);
        return builder.UseAdoNetClustering((AdoNetClusteringSiloOptions options) =>
        {
            options.Invariant = AdoNetInvariantNames.Sqlite;
            options.ConnectionString = connectionString;
        });
    }

    /// <summary>
    /// Makes the client find gateways in the SQLite cluster file at <paramref name="clusterDatabasePath"/>.
    /// The client creates the membership schema if no silo has yet, so clients and silos may start in any order.
    /// </summary>
    /// <param name="builder">The client builder.</param>
    /// <param name="clusterDatabasePath">The cluster file the silos use.</param>
    /// <returns>The <paramref name="builder"/>, for chaining.</returns>
    public static IClientBuilder UseRaftSqliteClustering(this IClientBuilder builder, string clusterDatabasePath)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (!TryAddRequirement(builder.Services, "clustering", clusterDatabasePath, SqliteSchemaParts.Clustering, out var connectionString))
        {
            return builder;
        }

        builder.UseAdoNetClustering((AdoNetClusteringClientOptions options) =>
        {
            options.Invariant = AdoNetInvariantNames.Sqlite;
            options.ConnectionString = connectionString;
        });

        // Orleans registered its provider as IGatewayListProvider; resolve it by its own type and put the
        // schema-creating decorator in its place (see SchemaEnsuringGatewayListProvider for why).
        var fullPath = Path.GetFullPath(clusterDatabasePath);
        builder.Services.TryAddSingleton<AdoNetGatewayListProvider>();
        builder.Services.Replace(ServiceDescriptor.Singleton<IGatewayListProvider>(services =>
            new SchemaEnsuringGatewayListProvider(services.GetRequiredService<AdoNetGatewayListProvider>(), fullPath)));
        return builder;
    }

    /// <summary>
    /// Adds a named grain storage provider (Orleans' ADO.NET grain storage) on the SQLite file at
    /// <paramref name="databasePath"/>. Reach it as the keyed <see cref="Orleans.Storage.IGrainStorage"/>
    /// <paramref name="providerName"/>, or with <c>[PersistentState(stateName, providerName)]</c>.
    /// Rows are keyed by service id, state name and grain key: use globally unique state names.
    /// </summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="providerName">The storage provider name.</param>
    /// <param name="databasePath">The database file; one per silo.</param>
    /// <param name="configureOptions">Further settings (serializer, ...), applied
    /// after the invariant and connection string.</param>
    /// <returns>The <paramref name="builder"/>, for chaining.</returns>
    public static ISiloBuilder AddRaftSqliteGrainStorage(
        this ISiloBuilder builder,
        string providerName,
        string databasePath,
        Action<AdoNetGrainStorageOptions>? configureOptions = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(providerName);
        if (!TryAddRequirement(builder.Services, $"storage:{providerName}", databasePath, SqliteSchemaParts.Storage, out var connectionString))
        {
            return builder;
        }

        AddSchemaInitializer(builder.Services);
        SqliteThreadPool.EnsureMinimumWorkerThreads();
        builder.Services.AddKeyedSingleton<SqliteWriteGate>(providerName);
        return builder.AddAdoNetGrainStorage(providerName, optionsBuilder => BinaryStorageSerializer.Use(optionsBuilder, options =>
        {
            options.Invariant = AdoNetInvariantNames.Sqlite;
            options.ConnectionString = connectionString;
            // Replicas clear the log chunks and snapshot rows compaction leaves behind: delete those rows, or the disk
            // grows by a row per compacted chunk forever. A caller may still turn it off in configureOptions.
            options.DeleteStateOnClear = true;
            configureOptions?.Invoke(options);
        }));
    }

    /// <summary>
    /// Adds the reminder service with reminders kept in the SQLite cluster file at
    /// <paramref name="clusterDatabasePath"/> (Orleans' ADO.NET reminders), so a reminder survives the silo
    /// that registered it.
    /// </summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="clusterDatabasePath">The cluster file, shared by every silo of the cluster.</param>
    /// <returns>The <paramref name="builder"/>, for chaining.</returns>
    public static ISiloBuilder UseRaftSqliteReminders(this ISiloBuilder builder, string clusterDatabasePath)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (!TryAddRequirement(builder.Services, "reminders", clusterDatabasePath, SqliteSchemaParts.Reminders, out var connectionString))
        {
            return builder;
        }

        AddSchemaInitializer(builder.Services);
        return builder.UseAdoNetReminderService((AdoNetReminderTableOptions options) =>
        {
            options.Invariant = AdoNetInvariantNames.Sqlite;
            options.ConnectionString = connectionString;
        });
    }

    /// <summary>
    /// Records that <paramref name="owner"/> uses the file. Returns false when the same owner already uses the same file (nothing to do).
    /// </summary>
    private static bool TryAddRequirement(
        IServiceCollection services, string owner, string databasePath, SqliteSchemaParts parts, out string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        var fullPath = Path.GetFullPath(databasePath);
        connectionString = SqliteConnectionStrings.ForDatabase(fullPath);

        var existing = services
            .Select(descriptor => descriptor.ImplementationInstance)
            .OfType<SqliteSchemaRequirement>()
            .FirstOrDefault(requirement => requirement.Owner == owner);
        if (existing is not null)
        {
            return existing.FullPath == fullPath
                ? false
                : throw new InvalidOperationException(
                    $"SQLite {owner} is already configured on '{existing.FullPath}'; it cannot also use '{fullPath}'.");
        }

        services.AddSingleton(new SqliteSchemaRequirement(owner, fullPath, parts));
        return true;
    }

    /// <summary>Registers the silo's schema initializer once; it serves every requirement of the silo.</summary>
    private static void AddSchemaInitializer(IServiceCollection services)
    {
        services.TryAddSingleton<SqliteSchemaInitializer>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ILifecycleParticipant<ISiloLifecycle>, SqliteSchemaInitializer>(
            provider => provider.GetRequiredService<SqliteSchemaInitializer>()));
        // The same initializer when the Raft storage is opened offline, without a silo (raftkv-silo restore).
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IRaftStorageInitializer, SqliteSchemaInitializer>(
            provider => provider.GetRequiredService<SqliteSchemaInitializer>()));
    }
}
