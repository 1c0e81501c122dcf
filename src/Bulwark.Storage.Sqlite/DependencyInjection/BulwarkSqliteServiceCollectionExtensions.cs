using Bulwark.Storage.Sqlite;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Bulwark's SQLite store.</summary>
public static class BulwarkSqliteServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="SqliteBulwarkStore"/> as Bulwark's store: circuit breakers survive restarts, and
    /// <c>AddBulwarkDeliveries()</c> queues durably. The file is opened (created, migrated, checked) when first resolved; a
    /// corrupt, locked or unwritable file throws <see cref="Bulwark.Storage.StoreUnavailableException"/> then, with a message that says which.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Configures the store; the default file is <c>data/bulwark.db</c>.</param>
    /// <returns>The same services, for chaining.</returns>
    public static IServiceCollection AddBulwarkSqliteStore(this IServiceCollection services, Action<SqliteStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = new SqliteStoreOptions();
        configure?.Invoke(options);
        return services.AddBulwarkStore(_ => SqliteBulwarkStore.Open(options));
    }
}
