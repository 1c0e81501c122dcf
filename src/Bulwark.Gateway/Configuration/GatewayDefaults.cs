using Bulwark.Backoff;
using Bulwark.Bulkhead;
using Bulwark.CircuitBreaker;
using Bulwark.Configuration;
using Bulwark.Retry;

namespace Bulwark.Gateway.Configuration;

/// <summary>The pipeline the gateway uses as <c>default</c> when the configuration names none.</summary>
/// <remarks>
/// Six attempts per provider: with independent transient failures at a rate <c>p</c>, a request fails on one provider
/// with probability <c>p⁶</c> — 0.0011% at 15% — so even a chain with one provider down stays above 99.99%, while the
/// adaptive breaker stops sending to a provider that is really down, and the backoff (at most 1 s a step) keeps the
/// retries well inside the total timeout.
/// </remarks>
internal static class GatewayDefaults
{
    public static BulwarkPipelineOptions Pipeline() => new()
    {
        Retry = new BulwarkRetryStrategyOptions
        {
            MaxRetries = 5,
            Backoff = BackoffType.Exponential,
            Jitter = JitterMode.Full,
            BaseDelay = TimeSpan.FromMilliseconds(25),
            MaxDelay = TimeSpan.FromSeconds(1),
            MaxRetryAfter = TimeSpan.FromSeconds(5),
        },
        CircuitBreaker = new BulwarkCircuitBreakerStrategyOptions
        {
            Mode = CircuitBreakerMode.Adaptive,
            MinimumThroughput = 20,
            SamplingDuration = TimeSpan.FromSeconds(10),
            BreakDuration = TimeSpan.FromSeconds(5),
        },
        Timeout = new BulwarkTimeoutOptions { Attempt = TimeSpan.FromSeconds(10), Total = TimeSpan.FromSeconds(25) },
        Bulkhead = new BulwarkBulkheadStrategyOptions { MaxConcurrency = 1000, QueueLimit = 1000, MaxWait = TimeSpan.FromSeconds(1) },
    };
}
