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
internal static class BulwarkPipelineFactory
{
    public static BulwarkPipeline Create(
        string name,
        string instanceName,
        BulwarkPipelineOptions options,
        TimeProvider timeProvider,
        TelemetryOptions? telemetry)
    {
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
