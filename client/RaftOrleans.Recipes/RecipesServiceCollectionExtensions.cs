using Medallion.Threading;
using Microsoft.Extensions.DependencyInjection;
using RaftOrleans.Grains;

namespace RaftOrleans.Recipes;

/// <summary>Registers the lock provider for dependency injection.</summary>
public static class RecipesServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IDistributedLockProvider"/> (and <see cref="RaftDistributedLockProvider"/>) over the
    /// registered <see cref="IRaftKeyValueStore"/> (see <c>AddRaftKeyValueStore</c>), so code written against
    /// DistributedLock.Core switches to RaftOrleans with this one registration.
    /// </summary>
    public static IServiceCollection AddRaftDistributedLocks(this IServiceCollection services, Action<RaftLockOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = new RaftLockOptions();
        configure?.Invoke(options);
        options.Validate();
        services.AddSingleton(provider => new RaftDistributedLockProvider(provider.GetRequiredService<IRaftKeyValueStore>(), options));
        services.AddSingleton<IDistributedLockProvider>(provider => provider.GetRequiredService<RaftDistributedLockProvider>());
        return services;
    }
}
