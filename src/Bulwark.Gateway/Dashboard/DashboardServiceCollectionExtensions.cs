namespace Bulwark.Gateway.Dashboard;

/// <summary>Registers the operator page's services; <see cref="DashboardEndpoints.MapGatewayDashboard"/> maps it.</summary>
internal static class DashboardServiceCollectionExtensions
{
    public static IServiceCollection AddGatewayDashboard(this IServiceCollection services)
    {
        services.AddSingleton<DashboardSessions>();
        services.AddSingleton<DashboardAssets>();
        services.AddSingleton<TrafficHistory>();
        services.AddSingleton<BreakerTransitionLog>();
        services.AddSingleton<DashboardState>();
        return services;
    }
}
