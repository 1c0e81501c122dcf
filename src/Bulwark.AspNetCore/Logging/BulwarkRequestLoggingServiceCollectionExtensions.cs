using Bulwark.AspNetCore.Logging;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Bulwark's request logging.</summary>
public static class BulwarkRequestLoggingServiceCollectionExtensions
{
    /// <summary>
    /// Registers request logging (<c>UseBulwarkRequestLogging</c>): its options, validated at start-up with every error
    /// reported at once, the <see cref="Bulwark.AspNetCore.Redaction.PiiRedactor"/> (configure it with
    /// <c>AddBulwarkRedaction</c>) and <see cref="TimeProvider.System"/> unless a <see cref="TimeProvider"/> is registered.
    /// Safe to call more than once.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Configures the options, or <see langword="null"/> for the defaults.</param>
    /// <returns>The same services, for chaining.</returns>
    public static IServiceCollection AddBulwarkRequestLogging(this IServiceCollection services, Action<BulwarkRequestLoggingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<BulwarkRequestLoggingOptions>().ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BulwarkRequestLoggingOptions>, BulwarkRequestLoggingOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<BulwarkRequestLoggingMarker>();
        services.AddBulwarkRedaction();
        return services;
    }
}
