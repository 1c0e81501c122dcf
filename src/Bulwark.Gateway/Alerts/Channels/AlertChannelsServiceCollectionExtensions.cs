using Bulwark.Deliveries;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Bulwark.Gateway.Configuration;
using Microsoft.Extensions.Options;

namespace Bulwark.Gateway.Alerts.Channels;

/// <summary>Registers each configured channel as the delivery handler of its queue (<c>bulwark.alerts.{name}</c>).</summary>
internal static class AlertChannelsServiceCollectionExtensions
{
    /// <summary>
    /// Adds a keyed <see cref="IDeliveryHandler"/> for every channel named in <paramref name="channelNames"/>: a specific
    /// key, which the dispatcher prefers to the forwarding handler registered for any queue. The channels are the ones
    /// in force at start; a reload does not change them.
    /// </summary>
    public static IServiceCollection AddAlertChannels(this IServiceCollection services, IEnumerable<string> channelNames)
    {
        services.TryAddSingleton<AlertChannelHttpClient>();
        foreach (string name in channelNames)
        {
            services.AddKeyedSingleton<IDeliveryHandler>(AlertQueues.ForChannel(name), (sp, _) =>
            {
                var options = sp.GetRequiredService<IOptions<GatewayOptions>>().Value.Alerts.Channels[name];
                return AlertChannelFactory.Create(
                    name,
                    options,
                    sp.GetRequiredService<GatewayEnvironment>(),
                    sp.GetRequiredService<AlertChannelHttpClient>().Client,
                    sp.GetRequiredService<TimeProvider>(),
                    sp.GetRequiredService<ILoggerFactory>().CreateLogger("Bulwark.Gateway.Alerts.Channels"));
            });
        }

        return services;
    }
}
