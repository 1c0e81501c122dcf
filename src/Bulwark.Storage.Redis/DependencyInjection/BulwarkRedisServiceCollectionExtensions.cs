using Bulwark.SharedState;
using Bulwark.Storage.Redis;
using Bulwark.Storage.Redis.Breakers;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Bulwark's shared state on Redis.</summary>
public static class BulwarkRedisServiceCollectionExtensions
{
    /// <summary>
    /// Shares every named pipeline's circuit breaker with the other instances on the same Redis and key prefix: a breaker
    /// that opens on one instance opens on all within the time Redis takes to deliver a message, the instance that opened
    /// it probes alone, and the others follow its outcome. Redis is never on the request path; when it is unreachable,
    /// breakers go on locally and states are read again on reconnection.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Configures the Redis connection; the configuration string is required.</param>
    /// <param name="sharing">Configures the sharing (probe grace, instance id), or <see langword="null"/> for the defaults.</param>
    /// <returns>The same services, for chaining.</returns>
    /// <exception cref="ArgumentException">The Redis options are invalid (checked here, before anything connects).</exception>
    public static IServiceCollection AddBulwarkRedisBreakerSharing(
        this IServiceCollection services,
        Action<RedisSharedStateOptions> configure,
        Action<CircuitBreakerSharingOptions>? sharing = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new RedisSharedStateOptions();
        configure(options);
        if (RedisConnection.Validate(options) is { Count: > 0 } problems)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(configure));
        }

        services.TryAddSingleton(_ => RedisConnection.Create(options));
        return services.AddBulwarkBreakerSharing(
            static sp => new RedisCircuitBreakerStateExchange(sp.GetRequiredService<RedisConnection>()),
            sharing);
    }
}
