using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;

namespace RaftOrleans.Grains.AdoNet;

/// <summary>
/// Hosting extensions that put Orleans' ADO.NET providers (clustering, grain storage, reminders) on
/// PostgreSQL through Npgsql (invariant <see cref="AdoNetInvariantNames.PostgreSql"/>).
/// </summary>
/// <remarks>
/// Unlike the SQLite extensions these never create the schema: a silo checks it at start and fails with
/// <see cref="AdoNetSchemaMissingException"/> (naming the migrate command) when it is missing or old. Create
/// it once with <see cref="PostgreSqlSchema.EnsureCreatedAsync"/> (<c>raftkv-silo migrate</c>). Each extension
/// is idempotent for the same connection string and throws for another one.
/// </remarks>
public static class PostgreSqlHostingExtensions
{
    /// <summary>Uses the PostgreSQL database for cluster membership.</summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="connectionString">Npgsql connection string; shared by every silo and client of the cluster.</param>
    /// <returns>The <paramref name="builder"/>, for chaining.</returns>
    public static ISiloBuilder UseRaftPostgreSqlClustering(this ISiloBuilder builder, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (!TryAddRequirement(builder.Services, "clustering", connectionString, SqliteSchemaParts.Clustering))
        {
            return builder;
        }

        AddSchemaCheck(builder.Services);
        return builder.UseAdoNetClustering((AdoNetClusteringSiloOptions options) =>
        {
            options.Invariant = AdoNetInvariantNames.PostgreSql;
            options.ConnectionString = connectionString;
        });
    }

    /// <summary>Makes the client find gateways in the PostgreSQL membership table.</summary>
    /// <param name="builder">The client builder.</param>
    /// <param name="connectionString">The connection string the silos use for clustering.</param>
    /// <returns>The <paramref name="builder"/>, for chaining.</returns>
    public static IClientBuilder UseRaftPostgreSqlClustering(this IClientBuilder builder, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (!TryAddRequirement(builder.Services, "clustering", connectionString, SqliteSchemaParts.Clustering))
        {
            return builder;
        }

        return builder.UseAdoNetClustering((AdoNetClusteringClientOptions options) =>
        {
            options.Invariant = AdoNetInvariantNames.PostgreSql;
            options.ConnectionString = connectionString;
        });
    }

    /// <summary>
    /// Adds a named grain storage provider on the PostgreSQL database. Rows are keyed by service id, state
    /// name and grain key, so several silos may share one database.
    /// </summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="providerName">The storage provider name.</param>
    /// <param name="connectionString">Npgsql connection string.</param>
    /// <param name="configureOptions">Further settings, applied after the invariant and connection string.</param>
    /// <returns>The <paramref name="builder"/>, for chaining.</returns>
    public static ISiloBuilder AddRaftPostgreSqlGrainStorage(
        this ISiloBuilder builder,
        string providerName,
        string connectionString,
        Action<AdoNetGrainStorageOptions>? configureOptions = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(providerName);
        if (!TryAddRequirement(builder.Services, $"storage:{providerName}", connectionString, SqliteSchemaParts.Storage))
        {
            return builder;
        }

        AddSchemaCheck(builder.Services);
        return builder.AddAdoNetGrainStorage(providerName, optionsBuilder => BinaryStorageSerializer.Use(optionsBuilder, options =>
        {
            options.Invariant = AdoNetInvariantNames.PostgreSql;
            options.ConnectionString = connectionString;
            // Replicas clear the log chunks and snapshot rows compaction leaves behind: delete those rows, or the disk
            // grows by a row per compacted chunk forever. A caller may still turn it off in configureOptions.
            options.DeleteStateOnClear = true;
            configureOptions?.Invoke(options);
        }));
    }

    /// <summary>Adds the reminder service with reminders kept in the PostgreSQL database.</summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="connectionString">Npgsql connection string, shared by every silo of the cluster.</param>
    /// <returns>The <paramref name="builder"/>, for chaining.</returns>
    public static ISiloBuilder UseRaftPostgreSqlReminders(this ISiloBuilder builder, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (!TryAddRequirement(builder.Services, "reminders", connectionString, SqliteSchemaParts.Reminders))
        {
            return builder;
        }

        AddSchemaCheck(builder.Services);
        return builder.UseAdoNetReminderService((AdoNetReminderTableOptions options) =>
        {
            options.Invariant = AdoNetInvariantNames.PostgreSql;
            options.ConnectionString = connectionString;
        });
    }

    /// <summary>Records that <paramref name="owner"/> uses the database; false when already recorded with the same one.</summary>
    private static bool TryAddRequirement(IServiceCollection services, string owner, string connectionString, SqliteSchemaParts parts)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var existing = services
            .Select(descriptor => descriptor.ImplementationInstance)
            .OfType<PostgreSqlSchemaRequirement>()
            .FirstOrDefault(requirement => requirement.Owner == owner);
        if (existing is not null)
        {
            return existing.ConnectionString == connectionString
                ? false
                : throw new InvalidOperationException($"PostgreSQL {owner} is already configured on another connection string.");
        }

        services.AddSingleton(new PostgreSqlSchemaRequirement(owner, connectionString, parts));
        return true;
    }

    private static void AddSchemaCheck(IServiceCollection services) =>
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ILifecycleParticipant<ISiloLifecycle>, PostgreSqlSchemaCheck>(
            provider => new PostgreSqlSchemaCheck(provider.GetServices<PostgreSqlSchemaRequirement>())));
}
