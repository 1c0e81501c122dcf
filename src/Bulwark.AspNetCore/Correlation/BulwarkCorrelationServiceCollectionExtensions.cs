using Bulwark.AspNetCore.Correlation;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Bulwark's correlation-id middleware.</summary>
public static class BulwarkCorrelationServiceCollectionExtensions
{
    /// <summary>Registers the options of the correlation middleware (<c>UseBulwarkCorrelation</c>). Safe to call more than once.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Configures the options, or <see langword="null"/> for the defaults.</param>
    /// <returns>The same services, for chaining.</returns>
    public static IServiceCollection AddBulwarkCorrelation(this IServiceCollection services, Action<BulwarkCorrelationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<BulwarkCorrelationOptions>()
            .Validate(static o => !string.IsNullOrWhiteSpace(o.HeaderName), "BulwarkCorrelationOptions.HeaderName must not be empty.")
            .ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        return services;
    }
}
