using Bulwark.Gateway.Configuration;
using Microsoft.Extensions.Options;

namespace Bulwark.Gateway.Alerts;

/// <summary>Registers the alert engine: the book, the evaluation loop, the <c>/health</c> section.</summary>
internal static class AlertServiceCollectionExtensions
{
    public static IServiceCollection AddGatewayAlerts(this IServiceCollection services)
    {
        services.AddSingleton(static sp => new AlertBook(
            AlertBookSettings.From(sp.GetRequiredService<IOptions<GatewayOptions>>().Value.Alerts),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<AlertBook>>()));
        services.AddSingleton<AlertEngine>();
        services.AddHostedService(static sp => sp.GetRequiredService<AlertEngine>());
        services.AddSingleton<Bulwark.AspNetCore.Health.IBulwarkHealthSection, AlertHealthSection>();
        return services;
    }
}
