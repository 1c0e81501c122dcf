using Bulwark.Bulkhead;
using Bulwark.CircuitBreaker;
using Bulwark.Retry;

namespace Bulwark.Configuration;

/// <summary>
/// One named pipeline. Each section is optional: a strategy whose section is absent is not added.
/// See <see cref="Pipelines.BulwarkPipeline"/> for the order in which they compose.
/// </summary>
public class BulwarkPipelineOptions
{
    /// <summary>Gets or sets the retry strategy.</summary>
    /// <value>Defaults to <see langword="null"/> (no retry).</value>
    public BulwarkRetryStrategyOptions? Retry { get; set; }

    /// <summary>Gets or sets the circuit breaker.</summary>
    /// <value>Defaults to <see langword="null"/> (no breaker).</value>
    public BulwarkCircuitBreakerStrategyOptions? CircuitBreaker { get; set; }

    /// <summary>Gets or sets the attempt and total timeouts.</summary>
    /// <value>Defaults to <see langword="null"/> (no timeout).</value>
    public BulwarkTimeoutOptions? Timeout { get; set; }

    /// <summary>Gets or sets the bulkhead.</summary>
    /// <value>Defaults to <see langword="null"/> (no bulkhead).</value>
    public BulwarkBulkheadStrategyOptions? Bulkhead { get; set; }

    /// <summary>Gets or sets the fallback response for HTTP pipelines.</summary>
    /// <value>Defaults to <see langword="null"/> (no fallback).</value>
    public BulwarkFallbackOptions? Fallback { get; set; }

    /// <summary>Gets or sets the HTTP status codes this pipeline treats as transient failures.</summary>
    /// <value>Defaults to <see langword="null"/>: 408, 429, 500, 502, 503, 504 and 529. Each code 100 to 999.</value>
    public IList<int>? TransientStatusCodes { get; set; }
}
