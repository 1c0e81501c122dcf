using Bulwark.AspNetCore.Redaction;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Bulwark's <see cref="PiiRedactor"/>.</summary>
public static class PiiRedactionServiceCollectionExtensions
{
    /// <summary>
    /// Registers a singleton <see cref="PiiRedactor"/> built from <see cref="PiiRedactorOptions"/>, whose regular
    /// expressions are built in the background once the host has started (or on first use, outside a host). Safe to call
    /// more than once: each <paramref name="configure"/> is applied, and one redactor is built.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Configures the options, or <see langword="null"/> for the defaults.</param>
    /// <returns>The same services, for chaining.</returns>
    public static IServiceCollection AddBulwarkRedaction(this IServiceCollection services, Action<PiiRedactorOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<PiiRedactorOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton(static sp => new PiiRedactor(sp.GetRequiredService<IOptions<PiiRedactorOptions>>().Value));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, PiiRedactorWarmUp>());
        return services;
    }
}
