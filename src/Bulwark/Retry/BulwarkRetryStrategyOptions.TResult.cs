using System.ComponentModel.DataAnnotations;
using Bulwark.Backoff;
using Bulwark.Classification;
using Bulwark.RetryBudget;
using Polly;

namespace Bulwark.Retry;

/// <summary>
/// Configures the Bulwark retry strategy, added with <c>AddBulwarkRetry</c>.
/// </summary>
/// <typeparam name="TResult">The result type.</typeparam>
/// <remarks>
/// Property names are a configuration contract, bound from JSON such as
/// <c>"Retry": { "MaxRetries": 3, "Backoff": "Exponential", "Jitter": "Full", "BaseDelay": "00:00:00.050", "MaxDelay": "00:00:02" }</c>.
/// The strategy's clock is the pipeline's <see cref="ResiliencePipelineBuilderBase.TimeProvider"/>.
/// </remarks>
public class BulwarkRetryStrategyOptions<TResult> : ResilienceStrategyOptions
{
    /// <summary>
    /// Initializes a new instance of the <see cref="BulwarkRetryStrategyOptions{TResult}"/> class.
    /// </summary>
    public BulwarkRetryStrategyOptions() => Name = BulwarkRetryConstants.DefaultName;

    /// <summary>
    /// Gets or sets the maximum number of retries after the first attempt; 0 disables retrying.
    /// </summary>
    /// <value>The default is 3. The value must be between 0 and 100.</value>
    [Range(0, BulwarkRetryConstants.MaxRetriesLimit)]
    public int MaxRetries { get; set; } = BulwarkRetryConstants.DefaultMaxRetries;

    /// <summary>
    /// Gets or sets how the delay grows between retries.
    /// </summary>
    /// <value>The default is <see cref="BackoffType.Exponential"/>.</value>
    [EnumDataType(typeof(BackoffType))]
    public BackoffType Backoff { get; set; } = BulwarkRetryConstants.DefaultBackoff;

    /// <summary>
    /// Gets or sets how randomness is applied to the delay.
    /// </summary>
    /// <value>The default is <see cref="JitterMode.Full"/>.</value>
    [EnumDataType(typeof(JitterMode))]
    public JitterMode Jitter { get; set; } = BulwarkRetryConstants.DefaultJitter;

    /// <summary>
    /// Gets or sets the delay of the first retry before jitter.
    /// </summary>
    /// <value>The default is 100 milliseconds. The value must be between zero and one day.</value>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan BaseDelay { get; set; } = BulwarkRetryConstants.DefaultBaseDelay;

    /// <summary>
    /// Gets or sets the cap of every backoff delay. When smaller than <see cref="BaseDelay"/>, every delay is at most this.
    /// </summary>
    /// <value>The default is 30 seconds. The value must be between zero and one day.</value>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan MaxDelay { get; set; } = BulwarkRetryConstants.DefaultMaxDelay;

    /// <summary>
    /// Gets or sets the growth factor of <see cref="BackoffType.Exponential"/>.
    /// </summary>
    /// <value>The default is 2.0. The value must be between 1 and 10.</value>
    [Range(BackoffConstants.MinExponentialFactor, BackoffConstants.MaxExponentialFactor)]
    public double ExponentialFactor { get; set; } = BulwarkRetryConstants.DefaultExponentialFactor;

    /// <summary>
    /// Gets or sets a value indicating whether a Retry-After carried by the outcome replaces the backoff delay:
    /// an <see cref="HttpResponseMessage"/> <c>Retry-After</c> header (delta-seconds or HTTP-date), Polly's
    /// <c>BrokenCircuitException.RetryAfter</c> or an <see cref="IRetryAfterProvider"/>.
    /// </summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool HonorRetryAfter { get; set; } = BulwarkRetryConstants.DefaultHonorRetryAfter;

    /// <summary>
    /// Gets or sets the longest Retry-After the strategy waits: a longer Retry-After is capped to this value
    /// (the retry happens after <see cref="MaxRetryAfter"/>, not later, and is not abandoned).
    /// </summary>
    /// <value>The default is 30 seconds. The value must be between zero and one day.</value>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan MaxRetryAfter { get; set; } = BulwarkRetryConstants.DefaultMaxRetryAfter;

    /// <summary>
    /// Gets or sets the retry budget; each pipeline built from these options gets its own budget.
    /// Ignored when <see cref="SharedBudget"/> is set.
    /// </summary>
    /// <value>The default is <see langword="null"/>: no budget.</value>
    public RetryBudgetOptions? Budget { get; set; }

    /// <summary>
    /// Gets or sets a budget instance shared with other pipelines, typically one per provider; takes precedence over <see cref="Budget"/>.
    /// </summary>
    /// <value>The default is <see langword="null"/>.</value>
    public RetryBudgetTracker? SharedBudget { get; set; }

    /// <summary>
    /// Gets or sets the predicate that decides whether an outcome is retried.
    /// </summary>
    /// <remarks>
    /// Whatever it returns, nothing is retried once the caller's token is cancelled.
    /// </remarks>
    /// <value>
    /// The default retries transient failures as classified by <see cref="TransientClassifier.Default"/>. This property is required.
    /// </value>
    [Required]
    public Func<BulwarkRetryPredicateArguments<TResult>, ValueTask<bool>> ShouldHandle { get; set; }
        = static args => new ValueTask<bool>(TransientClassifier.IsTransient(args.Outcome, args.Context.CancellationToken));

    /// <summary>
    /// Gets or sets a callback invoked before each retry, after the delay is known and before the discarded result is disposed.
    /// </summary>
    /// <value>The default is <see langword="null"/>.</value>
    public Func<OnBulwarkRetryArguments<TResult>, ValueTask>? OnRetry { get; set; }

    /// <summary>
    /// Gets or sets the source of jitter, returning uniform values in [0, 1). Inject a seeded source for deterministic tests.
    /// </summary>
    /// <value>The default uses <see cref="Random.Shared"/>. This property is required.</value>
    [Required]
    public Func<double> RandomSource { get; set; } = BackoffConstants.DefaultRandomSource;
}
