using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Storage;
using RaftOrleans.Grains.AdoNet;

namespace RaftOrleans.Grains.Faults;

/// <summary>Registers the <see cref="StallableGrainStorage"/> test hook on a silo.</summary>
public static class StorageStallHostingExtensions
{
    /// <summary>The configuration key that enables the hook (environment: <c>RAFTKV_Faults__StorageStallFile</c>).</summary>
    public const string ConfigurationKey = "Faults:StorageStallFile";

    /// <summary>The provider name the decorator is registered under, for the real provider <paramref name="providerName"/>.</summary>
    public static string StallableProviderName(string providerName) => providerName + "+stallable";

    /// <summary>
    /// TEST HOOK: registers, as the keyed <see cref="IGrainStorage"/> <see cref="StallableProviderName"/>,
    /// a decorator over the provider <paramref name="providerName"/> whose writes wait while
    /// <paramref name="controlFile"/> exists. Point <c>RaftKeyValueOptions.StorageProviderName</c> at
    /// the returned name to put the replicas behind it. Both names read and write the same rows (rows
    /// are keyed by state name and grain, not provider), so enabling the hook loses no data.
    /// </summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="providerName">The real storage provider, already registered.</param>
    /// <param name="controlFile">The file whose presence stalls every write.</param>
    /// <returns>The decorator's provider name.</returns>
    public static string AddRaftStorageStallHook(this ISiloBuilder builder, string providerName, string controlFile)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(providerName);
        ArgumentException.ThrowIfNullOrWhiteSpace(controlFile);
        var name = StallableProviderName(providerName);
        var fullPath = Path.GetFullPath(controlFile);
        builder.Services.AddKeyedSingleton<IGrainStorage>(name, (services, _) =>
        {
            var logger = services.GetRequiredService<ILogger<StallableGrainStorage>>();
            StallLog.HookEnabled(logger, fullPath);
            return new StallableGrainStorage(services.GetRequiredKeyedService<IGrainStorage>(providerName), fullPath, logger);
        });
        SqliteWriteGate.ShareWith(builder.Services, providerName, name);
        return name;
    }
}
