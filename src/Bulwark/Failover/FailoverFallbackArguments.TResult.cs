using Polly;

namespace Bulwark.Failover;

/// <summary>
/// Arguments of <see cref="FailoverOptions{TResult}.Fallback"/>.
/// </summary>
/// <typeparam name="TResult">The result type.</typeparam>
public readonly struct FailoverFallbackArguments<TResult>
{
    /// <summary>
    /// Initializes a new instance of the <see cref="FailoverFallbackArguments{TResult}"/> struct.
    /// </summary>
    /// <param name="lastOutcome">The last provider's failed outcome, or <see langword="null"/> if every provider was skipped.</param>
    /// <param name="attempts">The attempts made so far.</param>
    /// <param name="cancellationToken">The caller's cancellation token.</param>
    public FailoverFallbackArguments(Outcome<TResult>? lastOutcome, IReadOnlyList<FailoverAttempt> attempts, CancellationToken cancellationToken)
    {
        LastOutcome = lastOutcome;
        Attempts = attempts;
        CancellationToken = cancellationToken;
    }

    /// <summary>
    /// Gets the last provider's failed outcome, or <see langword="null"/> if every provider was skipped.
    /// A disposable result is disposed after the fallback returns, unless the fallback returns that same instance.
    /// </summary>
    public Outcome<TResult>? LastOutcome { get; }

    /// <summary>Gets the attempts made so far.</summary>
    public IReadOnlyList<FailoverAttempt> Attempts { get; }

    /// <summary>Gets the caller's cancellation token.</summary>
    public CancellationToken CancellationToken { get; }
}
