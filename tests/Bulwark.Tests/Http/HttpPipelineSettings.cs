using System.Collections.Concurrent;
using Bulwark.CircuitBreaker;
using Bulwark.Classification;
using Bulwark.Configuration;
using Bulwark.Pipelines;
using Bulwark.Retry;
using Microsoft.Extensions.Time.Testing;
using Polly;

namespace Bulwark.Tests.Http;

/// <summary>Builds HTTP pipelines the way configuration does: retry → circuit breaker → attempt timeout, on a fake clock.</summary>
internal sealed class HttpPipelineSettings
{
    public const string PipelineName = "default";

    public FakeTimeProvider Time { get; } = new();

    public int MaxRetries { get; init; } = 2;

    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromSeconds(30);

    public int? BreakerFailureThreshold { get; init; }

    public TimeSpan? AttemptTimeout { get; init; }

    public BulwarkFallbackOptions? Fallback { get; init; }

    /// <summary>Gets the retries the pipelines decided, across instances.</summary>
    public ConcurrentQueue<(int Attempt, TimeSpan Delay, bool IsRetryAfter)> Retries { get; } = new();

    public TestPipelineProvider CreateProvider() => new(PipelineName, Build);

    private BulwarkPipeline Build(string instanceName)
    {
        var builder = new ResiliencePipelineBuilder { Name = PipelineName, InstanceName = instanceName, TimeProvider = Time };
        builder.AddBulwarkRetry(new BulwarkRetryStrategyOptions
        {
            MaxRetries = MaxRetries,
            BaseDelay = TimeSpan.Zero,
            MaxDelay = TimeSpan.Zero,
            MaxRetryAfter = MaxRetryAfter,
            OnRetry = args =>
            {
                Retries.Enqueue((args.AttemptNumber, args.RetryDelay, args.IsRetryAfter));
                return default;
            },
        });

        CircuitBreakerHandle? handle = null;
        if (BreakerFailureThreshold is { } threshold)
        {
            handle = new CircuitBreakerHandle();
            builder.AddBulwarkCircuitBreaker(new BulwarkCircuitBreakerStrategyOptions
            {
                Mode = CircuitBreakerMode.ConsecutiveFailures,
                FailureThreshold = threshold,
                BreakDuration = TimeSpan.FromMinutes(1),
                Handle = handle,
                ShouldHandle = static args => new ValueTask<bool>(TransientClassifier.IsTransient(args.Outcome, args.Context.CancellationToken)),
            });
        }

        if (AttemptTimeout is { } timeout)
        {
            builder.AddTimeout(timeout);
        }

        return new BulwarkPipeline(PipelineName, instanceName, builder.Build(), handle, bulkhead: null, TransientClassifier.Default, Fallback);
    }
}
