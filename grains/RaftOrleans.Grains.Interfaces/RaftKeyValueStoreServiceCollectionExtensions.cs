using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace RaftOrleans.Grains;

/// <summary>Registers <see cref="IRaftKeyValueStore"/> for an Orleans client or silo.</summary>
public static class RaftKeyValueStoreServiceCollectionExtensions
{
    /// <summary>
    /// Registers the store of <paramref name="group"/> as a keyed <see cref="IRaftKeyValueStore"/> (key = the group
    /// name), and as the unkeyed one if none is registered yet, so an app with one group just injects
    /// <see cref="IRaftKeyValueStore"/>. Needs the Orleans client (or silo) in the same container.
    /// </summary>
    public static IServiceCollection AddRaftKeyValueStore(this IServiceCollection services, string group = RaftKeyValueClientExtensions.DefaultGroup)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(group);
        services.AddKeyedSingleton<IRaftKeyValueStore>(group, (provider, _) => new RaftKeyValueStore(provider.GetRequiredService<IGrainFactory>(), group));
        services.TryAddSingleton<IRaftKeyValueStore>(provider => provider.GetRequiredKeyedService<IRaftKeyValueStore>(group));
        return services;
    }
}
