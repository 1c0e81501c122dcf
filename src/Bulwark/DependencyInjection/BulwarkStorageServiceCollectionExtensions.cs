using Bulwark.Deliveries;
using Bulwark.Persistence;
using Bulwark.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the store behind Bulwark's durable features: circuit breaker state across restarts and deferred delivery.</summary>
public static class BulwarkStorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers a store as both <see cref="ICircuitBreakerStateStore"/> and <see cref="IDeliveryStore"/>, and makes every
    /// named pipeline's circuit breaker survive restarts: restored from the store when the host starts (an open breaker stays
    /// open until its open-until, then probes), saved after every transition. Store packages call this
    /// (<c>AddBulwarkSqliteStore</c>); call it directly for a store of your own.
    /// </summary>
    /// <typeparam name="TStore">The store type.</typeparam>
    /// <param name="services">The services.</param>
    /// <param name="factory">Creates the store, once.</param>
    /// <returns>The same services, for chaining.</returns>
    public static IServiceCollection AddBulwarkStore<TStore>(this IServiceCollection services, Func<IServiceProvider, TStore> factory)
        where TStore : class, ICircuitBreakerStateStore, IDeliveryStore
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(factory);
        services.TryAddSingleton(factory);
        services.TryAddSingleton<ICircuitBreakerStateStore>(static sp => sp.GetRequiredService<TStore>());
        services.TryAddSingleton<IDeliveryStore>(static sp => sp.GetRequiredService<TStore>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<CircuitBreakerStatePersistence>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, CircuitBreakerStateRestorer>());
        return services;
    }

    /// <summary>
    /// Registers an <see cref="InMemoryBulwarkStore"/>: for tests and development only, since nothing survives a restart.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <returns>The same services, for chaining.</returns>
    public static IServiceCollection AddBulwarkInMemoryStore(this IServiceCollection services) =>
        services.AddBulwarkStore(static _ => new InMemoryBulwarkStore());
}
