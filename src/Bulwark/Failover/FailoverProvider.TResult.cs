using Bulwark.Classification;
using Polly;

namespace Bulwark.Failover;

/// <summary>
/// One provider in a failover chain: a name, the pipeline (breaker, bulkhead, retry, ...) that guards it, and an
/// optional availability check.
/// </summary>
/// <typeparam name="TResult">The result type.</typeparam>
public sealed class FailoverProvider<TResult>
{
    private readonly Func<bool>? _isAvailable;
    private readonly int _maxAttempts = 1;
    private readonly TransientClassifier _classifier = TransientClassifier.Default;

    /// <summary>
    /// Initializes a new instance of the <see cref="FailoverProvider{TResult}"/> class.
    /// </summary>
    /// <param name="name">The provider's name, used in attempts and results.</param>
    /// <param name="pipeline">The pipeline that guards calls to this provider.</param>
    /// <param name="isAvailable">
    /// Returns <see langword="false"/> when the provider should be skipped (for example, while its circuit is open);
    /// <see langword="null"/> means always available. See also <see cref="FailoverProvider.Create{TResult}(string, ResiliencePipeline{TResult}, CircuitBreaker.CircuitBreakerHandle?)"/>.
    /// </param>
    /// <exception cref="ArgumentException">Thrown when <paramref name="name"/> is null, empty or white space.</exception>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="pipeline"/> is <see langword="null"/>.</exception>
    public FailoverProvider(string name, ResiliencePipeline<TResult> pipeline, Func<bool>? isAvailable = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(pipeline);

        Name = name;
        Pipeline = pipeline;
        _isAvailable = isAvailable;
    }

    /// <summary>Gets the provider's name.</summary>
    public string Name { get; }

    /// <summary>Gets the pipeline that guards calls to this provider.</summary>
    public ResiliencePipeline<TResult> Pipeline { get; }

    /// <summary>
    /// Gets the untyped pipeline that <see cref="Pipeline"/> wraps when the provider was created from a
    /// <see cref="Pipelines.BulwarkPipeline"/>, else <see langword="null"/>. The executor runs it with
    /// <see cref="object"/> results: its reactive strategies are <c>ResilienceStrategy&lt;object&gt;</c>, and Polly
    /// bridges every other result type through them with two extra async state machines per strategy and call.
    /// </summary>
    internal ResiliencePipeline? Untyped { get; init; }

    /// <summary>
    /// Gets the attempts the provider's pipeline makes on its own (its retry's <c>MaxRetries</c> + 1). A chain with
    /// <see cref="FailoverOptions{TResult}.MaxAttempts"/> keeps this many attempts for the provider while it can serve.
    /// </summary>
    /// <value>The default value is 1; <see cref="FailoverProvider.Create{TResult}(Pipelines.BulwarkPipeline)"/> takes the pipeline's. Range: 1–1,000.</value>
    public int MaxAttempts
    {
        get => _maxAttempts;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, FailoverConstants.MaxAttemptsLimit);
            _maxAttempts = value;
        }
    }

    /// <summary>
    /// Gets the provider's transient rule: which statuses the default failover predicate fails over on, and how each
    /// attempt's <see cref="FailoverAttempt.Outcome"/> is told.
    /// </summary>
    /// <value>The default value is <see cref="TransientClassifier.Default"/>; <see cref="FailoverProvider.Create{TResult}(Pipelines.BulwarkPipeline)"/> takes the pipeline's.</value>
    public TransientClassifier Classifier
    {
        get => _classifier;
        init => _classifier = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>Gets a value indicating whether the provider should be tried now.</summary>
    public bool IsAvailable => _isAvailable is null || _isAvailable();

    /// <summary>
    /// Gets whether the provider, unavailable now, may be tried in panic: its breaker is open or half-open, not isolated
    /// (<see cref="FailoverOptions{TResult}.PanicThreshold"/>). <see langword="null"/> for a provider with an availability
    /// check of its own, which is never tried while it says no.
    /// </summary>
    internal Func<bool>? MayPassThrough { get; init; }
}
