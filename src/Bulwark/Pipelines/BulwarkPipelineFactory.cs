using System.Reflection;
using Bulwark.Bulkhead;
using Bulwark.CircuitBreaker;
using Bulwark.Classification;
using Bulwark.Configuration;
using Bulwark.Retry;
using Polly;
using Polly.Telemetry;

namespace Bulwark.Pipelines;

/// <summary>Builds one instance of a named pipeline from its options, in the documented order.</summary>
/// <remarks>
/// <see cref="IBulwarkPipelineProvider"/> builds and caches the configured pipelines; this builds one outside it (for
/// example a replacement for a pipeline whose options changed), uncached and with no breaker state persisted.
/// </remarks>
public static class BulwarkPipelineFactory
{
    /// <summary>Builds a new instance of a pipeline from its options.</summary>
    /// <param name="name">The pipeline's name.</param>
    /// <param name="instanceName">The instance's name (the pipeline's name for its shared instance).</param>
    /// <param name="options">The pipeline's options, validated (<see cref="BulwarkOptionsValidator"/>); they are copied, not kept.</param>
    /// <param name="timeProvider">The clock of every strategy.</param>
    /// <param name="telemetry">Polly's telemetry for the pipeline, or <see langword="null"/> for none.</param>
    /// <returns>The pipeline, with handles to its breaker and bulkhead.</returns>
    public static BulwarkPipeline Create(
        string name,
        string instanceName,
        BulwarkPipelineOptions options,
        TimeProvider timeProvider,
        TelemetryOptions? telemetry = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(instanceName);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var classifier = options.TransientStatusCodes is { } codes
            ? new TransientClassifier(new TransientClassifierOptions { TransientStatusCodes = new HashSet<int>(codes) })
            : TransientClassifier.Default;

        var builder = new ResiliencePipelineBuilder
        {
            Name = name,
            InstanceName = instanceName,
            TimeProvider = timeProvider,
        };
        if (telemetry is not null)
        {
            builder.ConfigureTelemetry(telemetry);
        }

        if (options.Timeout?.Total is { } total)
        {
            builder.AddTimeout(total);
        }

        if (options.Retry is { } retryOptions)
        {
            var retry = ShallowCopy(retryOptions);
            if (!ReferenceEquals(classifier, TransientClassifier.Default) && IsDefault(retry.ShouldHandle, DefaultRetry.ShouldHandle))
            {
                retry.ShouldHandle = args => new ValueTask<bool>(classifier.IsTransientOutcome(args.Outcome, args.Context.CancellationToken));
            }

            builder.AddBulwarkRetry(retry);
        }

        CircuitBreakerHandle? breakerHandle = null;
        if (options.CircuitBreaker is { } breakerOptions)
        {
            var breaker = ShallowCopy(breakerOptions);
            breaker.Handle = breakerHandle = new CircuitBreakerHandle();
            if (IsDefault(breaker.ShouldHandle, DefaultBreaker.ShouldHandle))
            {
                // The breaker counts what the classifier calls a transient failure (a 503, a reset, a timeout), not every
                // exception; a predicate set in code is kept.
                breaker.ShouldHandle = args => new ValueTask<bool>(classifier.IsTransientOutcome(args.Outcome, args.Context.CancellationToken));
            }
            builder.AddBulwarkCircuitBreaker(breaker);
        }

        BulkheadHandle? bulkheadHandle = null;
        if (options.Bulkhead is { } bulkheadOptions)
        {
            var bulkhead = ShallowCopy(bulkheadOptions);
            bulkhead.Handle = bulkheadHandle = new BulkheadHandle();
            builder.AddBulwarkBulkhead(bulkhead);
        }

        if (options.Timeout?.Attempt is { } attempt)
        {
            builder.AddTimeout(attempt);
        }

        int maxAttempts = options.Retry is { } configuredRetry ? configuredRetry.MaxRetries + 1 : 1;
        return new BulwarkPipeline(name, instanceName, builder.Build(), breakerHandle, bulkheadHandle, classifier, options.Fallback, maxAttempts);
    }

    private static readonly BulwarkRetryStrategyOptions DefaultRetry = new();

    private static readonly BulwarkCircuitBreakerStrategyOptions DefaultBreaker = new();

    /// <summary>A predicate still at its default is replaced by the pipeline's classifier; one set in code is kept.</summary>
    private static bool IsDefault(Delegate current, Delegate fresh) => current.Method == fresh.Method;

    /// <summary>Copies settable public properties, so each instance gets its own options (and handles) from one template.</summary>
    private static T ShallowCopy<T>(T source)
        where T : class, new()
    {
        var copy = new T();
        foreach (var property in typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.CanRead && property.SetMethod is { IsPublic: true } && property.GetIndexParameters().Length == 0)
            {
                property.SetValue(copy, property.GetValue(source));
            }
        }

        return copy;
    }
}
