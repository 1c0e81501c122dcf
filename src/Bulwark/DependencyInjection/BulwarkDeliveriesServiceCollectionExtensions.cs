using Bulwark.Deliveries;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers deferred delivery: <see cref="IDeferredDeliveryQueue"/> and its background dispatcher.</summary>
public static class BulwarkDeliveriesServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IDeferredDeliveryQueue"/> and the dispatcher that delivers its entries in the background. Needs a
    /// store: <c>AddBulwarkSqliteStore(...)</c> (durable) or <c>AddBulwarkInMemoryStore()</c> (tests). Add a handler per
    /// queue on the returned builder. Options are validated when the host starts.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Configures <see cref="DeliveryOptions"/>, or <see langword="null"/> for the defaults.</param>
    /// <returns>A builder for handlers and observers.</returns>
    public static BulwarkDeliveriesBuilder AddBulwarkDeliveries(this IServiceCollection services, Action<DeliveryOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<DeliveryOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        AddCore(services);
        return new BulwarkDeliveriesBuilder(services);
    }

    /// <summary>Registers deferred delivery with <see cref="DeliveryOptions"/> bound from <paramref name="section"/> (for example <c>Bulwark:Deliveries</c>).</summary>
    /// <param name="services">The services.</param>
    /// <param name="section">The configuration section.</param>
    /// <returns>A builder for handlers and observers.</returns>
    public static BulwarkDeliveriesBuilder AddBulwarkDeliveries(this IServiceCollection services, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(section);
        services.AddOptions<DeliveryOptions>().Bind(section).ValidateOnStart();
        AddCore(services);
        return new BulwarkDeliveriesBuilder(services);
    }

    private static void AddCore(IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DeliveryOptions>, DeliveryOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<DeliverySignal>();
        services.TryAddSingleton(static sp => new DeliveryMetrics(sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.TryAddSingleton<IDeferredDeliveryQueue, DeferredDeliveryQueue>();
        services.TryAddSingleton<DeliveryDispatcher>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, DeliveryDispatcherHost>());
    }

    /// <summary>Runs the dispatcher unless <see cref="DeliveryOptions.DispatcherEnabled"/> is off.</summary>
    private sealed class DeliveryDispatcherHost(DeliveryDispatcher dispatcher, IOptions<DeliveryOptions> options) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) =>
            options.Value.DispatcherEnabled ? dispatcher.StartAsync(cancellationToken) : Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) =>
            options.Value.DispatcherEnabled ? dispatcher.StopAsync(cancellationToken) : Task.CompletedTask;
    }
}
