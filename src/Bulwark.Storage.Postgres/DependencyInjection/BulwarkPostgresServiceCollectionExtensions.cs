using Bulwark.Storage.Postgres;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Bulwark's PostgreSQL store.</summary>
public static class BulwarkPostgresServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="PostgresBulwarkStore"/> as Bulwark's store, shared by every instance that points at the same
    /// database and schema: circuit breaker state survives restarts, and <c>AddBulwarkDeliveries()</c> queues durably and
    /// drains each entry once across instances. The store connects and migrates when first resolved; an unreachable server
    /// throws <see cref="Bulwark.Storage.StoreUnavailableException"/> then.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Configures the store; the connection string is required.</param>
    /// <returns>The same services, for chaining.</returns>
    /// <exception cref="ArgumentException">The options are invalid (checked here, before anything connects).</exception>
    public static IServiceCollection AddBulwarkPostgresStore(this IServiceCollection services, Action<PostgresStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new PostgresStoreOptions();
        configure(options);
        if (PostgresBulwarkStore.Validate(options) is { Count: > 0 } problems)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(configure));
        }

        return services.AddBulwarkStore(_ => PostgresBulwarkStore.Open(options));
    }
}
