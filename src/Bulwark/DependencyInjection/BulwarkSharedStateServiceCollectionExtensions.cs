using Bulwark.SharedState;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers circuit breaker state shared by the instances of a fleet.</summary>
public static class BulwarkSharedStateServiceCollectionExtensions
{
    /// <summary>
    /// Shares every named pipeline's circuit breaker with the other instances through <paramref name="exchange"/> (Redis:
    /// <c>AddBulwarkRedisBreakerSharing</c> in <c>Bulwark.Storage.Redis</c>): a breaker that opens on one instance opens on
    /// all, and the instance that opened it probes alone. See <see cref="CircuitBreakerStateSharing"/>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="exchange">Creates the exchange, once.</param>
    /// <param name="configure">Configures the sharing, or <see langword="null"/> for the defaults (10 s probe grace).</param>
    /// <returns>The same services, for chaining.</returns>
    public static IServiceCollection AddBulwarkBreakerSharing(
        this IServiceCollection services,
        Func<IServiceProvider, ICircuitBreakerStateExchange> exchange,
        Action<CircuitBreakerSharingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(exchange);
        var options = services.AddOptions<CircuitBreakerSharingOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(exchange);
        services.TryAddSingleton<CircuitBreakerStateSharing>(static sp => ActivatorUtilities.CreateInstance<CircuitBreakerStateSharing>(sp, sp.GetRequiredService<ICircuitBreakerStateExchange>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, CircuitBreakerSharingHost>());
        return services;
    }
}
