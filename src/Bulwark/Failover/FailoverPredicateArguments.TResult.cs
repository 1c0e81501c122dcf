using Bulwark.Classification;
using Polly;

namespace Bulwark.Failover;

/// <summary>
/// Arguments of <see cref="FailoverOptions{TResult}.ShouldFailover"/>.
/// </summary>
/// <typeparam name="TResult">The result type.</typeparam>
public readonly struct FailoverPredicateArguments<TResult>
{
    /// <summary>
    /// Initializes a new instance of the <see cref="FailoverPredicateArguments{TResult}"/> struct.
    /// </summary>
    /// <param name="outcome">The outcome to classify.</param>
    /// <param name="provider">The name of the provider that produced it.</param>
    /// <param name="cancellationToken">The caller's cancellation token.</param>
    public FailoverPredicateArguments(Outcome<TResult> outcome, string provider, CancellationToken cancellationToken)
        : this(outcome, provider, cancellationToken, TransientClassifier.Default)
    {
    }

    /// <summary>
    /// Initializes a new instance of the <see cref="FailoverPredicateArguments{TResult}"/> struct.
    /// </summary>
    /// <param name="outcome">The outcome to classify.</param>
    /// <param name="provider">The name of the provider that produced it.</param>
    /// <param name="cancellationToken">The caller's cancellation token.</param>
    /// <param name="classifier">The provider's transient rule.</param>
    public FailoverPredicateArguments(Outcome<TResult> outcome, string provider, CancellationToken cancellationToken, TransientClassifier classifier)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        Outcome = outcome;
        Provider = provider;
        CancellationToken = cancellationToken;
        Classifier = classifier;
    }

    /// <summary>Gets the outcome to classify.</summary>
    public Outcome<TResult> Outcome { get; }

    /// <summary>Gets the name of the provider that produced the outcome.</summary>
    public string Provider { get; }

    /// <summary>Gets the provider's transient rule (<see cref="FailoverProvider{TResult}.Classifier"/>), the one the default predicate applies.</summary>
    public TransientClassifier Classifier { get; }

    /// <summary>Gets the caller's cancellation token, to tell caller cancellation from other cancellations.</summary>
    public CancellationToken CancellationToken { get; }
}
