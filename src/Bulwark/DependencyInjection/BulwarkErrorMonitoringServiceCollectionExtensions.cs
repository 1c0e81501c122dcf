using Bulwark.ErrorMonitoring;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Bulwark's error monitor: <see cref="IErrorMonitor"/>, fingerprints with sliding-window counts.</summary>
public static class BulwarkErrorMonitoringServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ErrorMonitor"/> as the singleton <see cref="IErrorMonitor"/>, with its options validated when the
    /// host starts. Samples are redacted by the registered <see cref="IErrorRedactor"/>, if any. Safe to call more than once.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Configures <see cref="ErrorMonitorOptions"/>, or <see langword="null"/> for the defaults.</param>
    /// <returns>The same services, for chaining.</returns>
    public static IServiceCollection AddBulwarkErrorMonitoring(this IServiceCollection services, Action<ErrorMonitorOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<ErrorMonitorOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        return AddCore(services);
    }

    /// <summary>Registers the error monitor with <see cref="ErrorMonitorOptions"/> bound from <paramref name="section"/> (for example <c>Bulwark:Errors</c>).</summary>
    /// <param name="services">The services.</param>
    /// <param name="section">The configuration section.</param>
    /// <returns>The same services, for chaining.</returns>
    public static IServiceCollection AddBulwarkErrorMonitoring(this IServiceCollection services, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(section);
        services.AddOptions<ErrorMonitorOptions>().Bind(section, static binder => binder.ErrorOnUnknownConfiguration = true).ValidateOnStart();
        return AddCore(services);
    }

    private static IServiceCollection AddCore(IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ErrorMonitorOptions>, ErrorMonitorOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(static sp => new ErrorMonitor(
            sp.GetRequiredService<IOptions<ErrorMonitorOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<IErrorRedactor>()));
        services.TryAddSingleton<IErrorMonitor>(static sp => sp.GetRequiredService<ErrorMonitor>());
        return services;
    }
}
