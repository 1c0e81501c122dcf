using Bulwark.Gateway.Configuration;
using Bulwark.Storage.Redis;
using Bulwark.Storage.Redis.Budgets;
using Microsoft.Extensions.Options;

namespace Bulwark.Gateway.Budgets;

/// <summary>Puts the fleet's budget counters in place (<c>Bulwark:SharedState</c> on Redis): every reservation is then also made for the fleet.</summary>
internal static class BudgetFleetServices
{
    /// <summary>Registers <see cref="IBudgetFleet"/> on the shared Redis connection (registered by the shared state).</summary>
    public static IServiceCollection AddFleetBudgets(this IServiceCollection services)
    {
        services.AddSingleton(static sp => new RedisBudgetCounters(sp.GetRequiredService<RedisConnection>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IBudgetFleet>(static sp => new FleetBudgets(
            sp.GetRequiredService<RedisBudgetCounters>(),
            sp.GetRequiredService<BudgetLoader>().SpendOfAsync,
            sp.GetRequiredService<IOptions<GatewayOptions>>().Value.SharedState,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<FleetBudgets>>()));
        return services;
    }
}
