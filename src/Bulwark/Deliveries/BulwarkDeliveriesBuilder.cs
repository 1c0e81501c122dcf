using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Deliveries;

/// <summary>Adds handlers and observers to deferred delivery; returned by <c>services.AddBulwarkDeliveries()</c>.</summary>
public sealed class BulwarkDeliveriesBuilder
{
    internal BulwarkDeliveriesBuilder(IServiceCollection services) => Services = services;

    /// <summary>Gets the services.</summary>
    public IServiceCollection Services { get; }

    /// <summary>Registers the handler of a queue.</summary>
    /// <param name="queue">The queue's name.</param>
    /// <param name="handler">Makes one delivery attempt: return <see cref="DeliveryAttemptResult.Delivered"/>, <see cref="DeliveryAttemptResult.Refused"/> or <see cref="DeliveryAttemptResult.Failed"/>.</param>
    /// <returns>The same builder, for chaining.</returns>
    public BulwarkDeliveriesBuilder AddHandler(string queue, Func<DeliveryEntry, CancellationToken, ValueTask<DeliveryAttemptResult>> handler)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(queue);
        ArgumentNullException.ThrowIfNull(handler);
        Services.AddKeyedSingleton<IDeliveryHandler>(queue, new DelegateDeliveryHandler(handler));
        return this;
    }

    /// <summary>Registers the handler of a queue, created by dependency injection.</summary>
    /// <typeparam name="THandler">The handler type.</typeparam>
    /// <param name="queue">The queue's name.</param>
    /// <returns>The same builder, for chaining.</returns>
    public BulwarkDeliveriesBuilder AddHandler<THandler>(string queue)
        where THandler : class, IDeliveryHandler
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(queue);
        Services.AddKeyedSingleton<IDeliveryHandler, THandler>(queue);
        return this;
    }

    /// <summary>Registers an observer told of every successful delivery.</summary>
    /// <typeparam name="TObserver">The observer type.</typeparam>
    /// <returns>The same builder, for chaining.</returns>
    public BulwarkDeliveriesBuilder AddObserver<TObserver>()
        where TObserver : class, IDeliveryObserver
    {
        Services.AddSingleton<IDeliveryObserver, TObserver>();
        return this;
    }

    private sealed class DelegateDeliveryHandler(Func<DeliveryEntry, CancellationToken, ValueTask<DeliveryAttemptResult>> handler) : IDeliveryHandler
    {
        public ValueTask<DeliveryAttemptResult> DeliverAsync(DeliveryEntry entry, CancellationToken cancellationToken) => handler(entry, cancellationToken);
    }
}
