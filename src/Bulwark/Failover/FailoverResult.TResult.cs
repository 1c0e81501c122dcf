using Polly;

namespace Bulwark.Failover;

/// <summary>
/// The outcome of a failover execution and the record of how it was reached.
/// </summary>
/// <typeparam name="TResult">The result type.</typeparam>
public sealed class FailoverResult<TResult>
{
    /// <summary>
    /// Initializes a new instance of the <see cref="FailoverResult{TResult}"/> class.
    /// </summary>
    /// <param name="outcome">The final outcome.</param>
    /// <param name="provider">The name of the provider that served the outcome, if any.</param>
    /// <param name="usedFallback">Whether the outcome came from the fallback.</param>
    /// <param name="attempts">Every attempt, in order.</param>
    public FailoverResult(Outcome<TResult> outcome, string? provider, bool usedFallback, IReadOnlyList<FailoverAttempt> attempts)
    {
        ArgumentNullException.ThrowIfNull(attempts);

        Outcome = outcome;
        Provider = provider;
        UsedFallback = usedFallback;
        Attempts = attempts;
    }

    /// <summary>
    /// Gets the final outcome: the serving provider's result, the fallback's result, the last failure when every
    /// provider failed, or an <see cref="OperationCanceledException"/> when the caller cancelled.
    /// </summary>
    public Outcome<TResult> Outcome { get; }

    /// <summary>
    /// Gets the name of the provider whose outcome was accepted, or <see langword="null"/> when no provider served
    /// (all failed or were skipped, the fallback was used, or the caller cancelled).
    /// </summary>
    public string? Provider { get; }

    /// <summary>Gets a value indicating whether <see cref="Outcome"/> came from <see cref="FailoverOptions{TResult}.Fallback"/>.</summary>
    public bool UsedFallback { get; }

    /// <summary>Gets every attempt, in order, including retries inside a provider's pipeline and skipped providers.</summary>
    public IReadOnlyList<FailoverAttempt> Attempts { get; }
}
