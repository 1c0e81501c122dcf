using Bulwark.AspNetCore.Admin;
using Bulwark.AspNetCore.Health;
using Bulwark.AspNetCore.Providers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Bulwark's admin API.</summary>
public static class BulwarkAdminServiceCollectionExtensions
{
    /// <summary>
    /// Registers the services behind <c>MapBulwarkAdmin()</c>, with <see cref="BulwarkAdminOptions"/> bound from the
    /// <c>Bulwark:Admin</c> section of <paramref name="configuration"/> (so <c>Bulwark__Admin__Token</c> works) and validated at
    /// start-up. Without a token the API stays disabled. Also registers an empty <see cref="IBulwarkProviderCatalog"/>,
    /// <see cref="BulwarkReadiness"/> and <see cref="TimeProvider.System"/> unless others are registered. Safe to call more than once.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The application's root configuration; its <c>Bulwark</c> section is summarized, masked, by the system status.</param>
    /// <returns>The same services.</returns>
    public static IServiceCollection AddBulwarkAdmin(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<BulwarkAdminOptions>().Bind(configuration.GetSection(BulwarkAdminConstants.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BulwarkAdminOptions>, AdminOptionsValidator>());
        services.TryAddSingleton(new AdminConfiguration(configuration));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<AdminToken>();
        services.TryAddSingleton<AdminClock>();
        services.TryAddSingleton<BulwarkReadiness>();
        services.TryAddSingleton<IBulwarkProviderCatalog>(new BulwarkProviderCatalog([]));
        return services;
    }
}
