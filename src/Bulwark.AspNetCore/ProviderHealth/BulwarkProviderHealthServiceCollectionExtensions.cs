using Bulwark.AspNetCore.Anomaly;
using Bulwark.AspNetCore.ProviderHealth;
using Bulwark.AspNetCore.Providers;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Bulwark's per-provider statistics and anomaly detection.</summary>
public static class BulwarkProviderHealthServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="AnomalyDetector"/>, <see cref="ProviderStatisticsRegistry"/> and <see cref="IProviderStatistics"/>
    /// as singletons, with <see cref="AnomalyDetectorOptions"/> and <see cref="ProviderHealthOptions"/> validated at start-up.
    /// Safe to call more than once. <c>AddBulwarkTelemetry</c> calls it and binds the options from configuration.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    public static IServiceCollection AddBulwarkProviderHealth(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<AnomalyDetectorOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AnomalyDetectorOptions>, AnomalyDetectorOptionsValidator>());
        services.AddOptions<ProviderHealthOptions>()
            .Validate(static o => o.WindowSize is >= 1 and <= 1 << 20, "WindowSize must be between 1 and 1048576.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(static sp => new AnomalyDetector(
            sp.GetRequiredService<IOptions<AnomalyDetectorOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<AnomalyDetector>>()));
        services.TryAddSingleton(static sp => new ProviderStatisticsRegistry(
            sp.GetRequiredService<AnomalyDetector>(),
            sp.GetService<IBulwarkProviderCatalog>(),
            sp.GetRequiredService<IOptions<ProviderHealthOptions>>().Value));
        services.TryAddSingleton<IProviderStatistics>(static sp => sp.GetRequiredService<ProviderStatisticsRegistry>());
        return services;
    }
}
