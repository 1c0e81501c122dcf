using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Configuration.SectionValidators;
using Bulwark.SharedState;
using Bulwark.Storage.Redis;
using Bulwark.Storage.Redis.Breakers;
using Microsoft.Extensions.Options;

namespace Bulwark.Gateway.SharedState;

/// <summary>Puts <c>Bulwark:SharedState</c> in place: with Redis, breakers shared by the fleet, per-client rates counted for it, and a readiness check.</summary>
internal static class GatewaySharedStateServices
{
    /// <summary>Registers shared state when the configuration asks for it (read once: a change needs a restart).</summary>
    /// <returns>Whether shared state is on (then a readiness check named <c>shared-state</c> is to be added).</returns>
    public static bool AddGatewaySharedState(this IServiceCollection services, IConfiguration configuration)
    {
        if (!configuration.GetSection($"{GatewayConstants.ConfigurationRoot}:SharedState:Provider").Value.IsRedis())
        {
            return false;
        }

        // Created from the validated options: an invalid section fails the start with every error listed, before this runs.
        services.AddSingleton(static sp =>
        {
            var shared = sp.GetRequiredService<IOptions<GatewayOptions>>().Value.SharedState;
            var environment = sp.GetRequiredService<GatewayEnvironment>();
            string? redis = SharedStateValidator.ResolveConfiguration(shared, environment.Get, string.Empty, []);
            return RedisConnection.Create(new RedisSharedStateOptions { Configuration = redis, KeyPrefix = shared.KeyPrefix, OperationTimeout = shared.OperationTimeout });
        });
        services.AddSingleton<IConfigureOptions<CircuitBreakerSharingOptions>>(static sp => new ConfigureOptions<CircuitBreakerSharingOptions>(sharing =>
        {
            var shared = sp.GetRequiredService<IOptions<GatewayOptions>>().Value.SharedState;
            sharing.ProbeGrace = shared.ProbeGrace;
            sharing.InstanceId = shared.InstanceId;
        }));
        services.AddBulwarkBreakerSharing(static sp => new RedisCircuitBreakerStateExchange(sp.GetRequiredService<RedisConnection>()));
        services.AddSingleton(static sp => new SharedRateLimits(
            sp.GetRequiredService<RedisConnection>(),
            sp.GetRequiredService<IOptions<GatewayOptions>>().Value.SharedState.OnRedisFailure));
        services.AddSingleton(static sp => new Bulwark.Storage.Redis.Budgets.RedisBudgetCounters(sp.GetRequiredService<RedisConnection>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<Budgets.IBudgetFleet>(static sp => new FleetBudgets(
            sp.GetRequiredService<Bulwark.Storage.Redis.Budgets.RedisBudgetCounters>(),
            sp.GetRequiredService<Budgets.BudgetLoader>().SpendOfAsync,
            sp.GetRequiredService<IOptions<GatewayOptions>>().Value.SharedState,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<FleetBudgets>>()));
        return true;
    }

    private static bool IsRedis(this string? provider) =>
        Enum.TryParse<SharedStateProvider>(provider, ignoreCase: true, out var parsed) && parsed == SharedStateProvider.Redis;
}
