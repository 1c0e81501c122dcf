using Bulwark.AspNetCore.ErrorRate;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Bulwark's error-rate tracking.</summary>
public static class BulwarkErrorRateServiceCollectionExtensions
{
    /// <summary>
    /// Registers the <see cref="BulwarkErrorRateTracker"/> that <c>UseBulwarkErrorRate()</c> feeds and
    /// <c>/health/error-rate</c> reads. Safe to call more than once; every <paramref name="configure"/> is applied.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Configures the window (default 5 minutes), buckets (default 30) and what an error is (default 5xx).</param>
    /// <returns>The same services.</returns>
    public static IServiceCollection AddBulwarkErrorRate(this IServiceCollection services, Action<BulwarkErrorRateOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<BulwarkErrorRateOptions>().ValidateOnStart();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BulwarkErrorRateOptions>, ErrorRateOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<BulwarkErrorRateTracker>();
        return services;
    }
}
