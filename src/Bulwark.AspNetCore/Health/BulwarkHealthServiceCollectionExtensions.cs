using Bulwark.AspNetCore.Health;
using Bulwark.AspNetCore.Health.Checks;
using Bulwark.AspNetCore.Health.Readings;
using Bulwark.AspNetCore.Providers;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Bulwark's health checks.</summary>
public static class BulwarkHealthServiceCollectionExtensions
{
    /// <summary>
    /// Registers the health checks behind <c>MapBulwarkHealth()</c>: <c>self</c> (tag <see cref="BulwarkHealthTags.Live"/>);
    /// <c>configuration</c> and <c>draining</c> (tag <see cref="BulwarkHealthTags.Ready"/>); <c>circuit_breakers</c>,
    /// <c>bulkheads</c>, <c>error_rate</c> and <c>providers</c> (tag <see cref="BulwarkHealthTags.Resilience"/>). Also registers
    /// <see cref="BulwarkReadiness"/>, error-rate tracking (<c>AddBulwarkErrorRate()</c>), an empty
    /// <see cref="IBulwarkProviderCatalog"/> and the breaker-based <see cref="IBulwarkProviderHealthSource"/> unless others are
    /// registered, and <see cref="TimeProvider.System"/> unless a <see cref="TimeProvider"/> is. Safe to call more than once.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Configures the thresholds; see <see cref="BulwarkHealthOptions"/> for the defaults.</param>
    /// <returns>The health checks builder, to add the application's own checks, for example
    /// <c>.AddCheck&lt;StoreHealthCheck&gt;("store", tags: [BulwarkHealthTags.Ready])</c>.</returns>
    public static IHealthChecksBuilder AddBulwarkHealth(this IServiceCollection services, Action<BulwarkHealthOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<BulwarkHealthOptions>().ValidateOnStart();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.AddBulwarkErrorRate();
        var builder = services.AddHealthChecks();
        if (services.Any(static d => d.ServiceType == typeof(BulwarkHealthMarker)))
        {
            return builder;
        }

        services.AddSingleton<BulwarkHealthMarker>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BulwarkHealthOptions>, HealthOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<BulwarkReadiness>();
        services.TryAddSingleton<IBulwarkProviderCatalog>(new BulwarkProviderCatalog([]));
        services.TryAddSingleton<IBulwarkProviderHealthSource, BreakerProviderHealthSource>();
        services.TryAddSingleton<BulkheadRateTracker>();
        services.TryAddSingleton<ResourceSampler>();

        return builder
            .AddCheck<SelfHealthCheck>(BulwarkHealthConstants.SelfCheck, tags: [BulwarkHealthTags.Live])
            .AddCheck<ConfigurationHealthCheck>(BulwarkHealthConstants.ConfigurationCheck, HealthStatus.Unhealthy, [BulwarkHealthTags.Ready])
            .AddCheck<DrainingHealthCheck>(BulwarkHealthConstants.DrainingCheck, HealthStatus.Unhealthy, [BulwarkHealthTags.Ready])
            .AddCheck<CircuitBreakersHealthCheck>(BulwarkHealthConstants.CircuitBreakersCheck, tags: [BulwarkHealthTags.Resilience])
            .AddCheck<BulkheadsHealthCheck>(BulwarkHealthConstants.BulkheadsCheck, tags: [BulwarkHealthTags.Resilience])
            .AddCheck<ErrorRateHealthCheck>(BulwarkHealthConstants.ErrorRateCheck, tags: [BulwarkHealthTags.Resilience])
            .AddCheck<ProvidersHealthCheck>(BulwarkHealthConstants.ProvidersCheck, tags: [BulwarkHealthTags.Resilience]);
    }
}
