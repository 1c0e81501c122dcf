using Bulwark.Bulkhead.Controller;
using Bulwark.Bulkhead;

namespace Polly;

/// <summary>
/// Adds the Bulwark bulkhead to a resilience pipeline builder.
/// </summary>
public static class BulwarkBulkheadResiliencePipelineBuilderExtensions
{
    /// <summary>
    /// Adds a bulkhead that runs at most <paramref name="maxConcurrency"/> executions at once and queues up to
    /// <paramref name="queueLimit"/> more for <see cref="BulwarkBulkheadStrategyOptions.MaxWait"/> (1 second).
    /// </summary>
    /// <typeparam name="TBuilder">The builder type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="maxConcurrency">The maximum number of concurrent executions, 1 to 100000.</param>
    /// <param name="queueLimit">The maximum number of waiting callers, 0 to 100000.</param>
    /// <returns>The same builder instance.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">Thrown when an argument is out of range.</exception>
    public static TBuilder AddBulwarkBulkhead<TBuilder>(this TBuilder builder, int maxConcurrency, int queueLimit)
        where TBuilder : ResiliencePipelineBuilderBase
    {
        ArgumentNullException.ThrowIfNull(builder);

        return builder.AddBulwarkBulkhead(new BulwarkBulkheadStrategyOptions
        {
            MaxConcurrency = maxConcurrency,
            QueueLimit = queueLimit,
        });
    }

    /// <summary>
    /// Adds a bulkhead configured by <paramref name="options"/>.
    /// </summary>
    /// <typeparam name="TBuilder">The builder type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="options">The bulkhead options.</param>
    /// <returns>The same builder instance.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="builder"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">Thrown when <paramref name="options"/> are invalid.</exception>
    /// <exception cref="InvalidOperationException">Thrown at build time when <see cref="BulwarkBulkheadStrategyOptions.Handle"/> is already bound to another bulkhead.</exception>
    public static TBuilder AddBulwarkBulkhead<TBuilder>(this TBuilder builder, BulwarkBulkheadStrategyOptions options)
        where TBuilder : ResiliencePipelineBuilderBase
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);

        return builder.AddStrategy(context => CreateStrategy(context, options), options);
    }

    private static BulwarkBulkheadResilienceStrategy CreateStrategy(StrategyBuilderContext context, BulwarkBulkheadStrategyOptions options)
    {
        var controller = new BulkheadController(options.MaxConcurrency, options.QueueLimit, options.MaxWait, context.TimeProvider);
        options.Handle?.Bind(controller);
        return new BulwarkBulkheadResilienceStrategy(controller, options.OnRejected, context.Telemetry);
    }
}
