using Bulwark.Outcomes;
using Bulwark.Bulkhead;
using Bulwark.CircuitBreaker;
using Bulwark.Classification;
using Bulwark.Configuration;
using Polly;

namespace Bulwark.Pipelines;

/// <summary>
/// One instance of a named pipeline built from configuration: the Polly pipeline, handles to its breaker and bulkhead for
/// health endpoints, and one-call execution with an optional fallback — the equivalent of a <c>handle_errors</c> decorator.
/// </summary>
/// <remarks>
/// Strategies compose, outermost first: fallback (in <see cref="ExecuteAsync{TResult}(Func{CancellationToken, ValueTask{TResult}}, Func{Outcome{TResult}, ValueTask{TResult}}, CancellationToken)"/>)
/// → total timeout → retry → circuit breaker → bulkhead → attempt timeout. The total timeout bounds everything the caller
/// waits for, backoff delays included. Each retry passes through the breaker, so an open breaker ends the retries at once
/// (its rejection is not transient) instead of spending them. The bulkhead sits inside the breaker so that calls the breaker
/// rejects never take a slot or a queue place, and a bulkhead rejection — our own overload, not the dependency's fault —
/// is neither retried nor counted by the breaker. The attempt timeout is innermost, so a hung attempt counts as one
/// transient failure for the breaker and the retry. The fallback is outermost so that it answers even when the total
/// timeout fired.
/// </remarks>
public sealed class BulwarkPipeline
{
    internal BulwarkPipeline(
        string name,
        string instanceName,
        ResiliencePipeline pipeline,
        CircuitBreakerHandle? circuitBreaker,
        BulkheadHandle? bulkhead,
        TransientClassifier classifier,
        BulwarkFallbackOptions? fallback = null,
        int maxAttempts = 1)
    {
        Name = name;
        InstanceName = instanceName;
        Pipeline = pipeline;
        CircuitBreaker = circuitBreaker;
        Bulkhead = bulkhead;
        Classifier = classifier;
        Fallback = fallback;
        MaxAttempts = maxAttempts;
    }

    /// <summary>Gets the pipeline's configured name.</summary>
    public string Name { get; }

    /// <summary>Gets the instance's name (the pipeline's name for the shared instance).</summary>
    public string InstanceName { get; }

    /// <summary>Gets the Polly pipeline, to compose with other Polly code or execute directly.</summary>
    public ResiliencePipeline Pipeline { get; }

    /// <summary>Gets the circuit breaker's handle, or <see langword="null"/> when the pipeline has no breaker.</summary>
    public CircuitBreakerHandle? CircuitBreaker { get; }

    /// <summary>Gets the bulkhead's handle, or <see langword="null"/> when the pipeline has no bulkhead.</summary>
    public BulkheadHandle? Bulkhead { get; }

    /// <summary>
    /// Gets the most attempts one execution makes on its own: its retry's <c>MaxRetries</c> + 1, or 1 without a retry.
    /// </summary>
    public int MaxAttempts { get; }

    /// <summary>Gets the classifier the pipeline's strategies use to tell transient failures.</summary>
    public TransientClassifier Classifier { get; }

    /// <summary>
    /// Gets the static response that HTTP callers (the <c>AddBulwarkHandler</c> HttpClient handler) return when every
    /// attempt failed, or <see langword="null"/> when the pipeline has no fallback.
    /// </summary>
    public BulwarkFallbackOptions? Fallback { get; }

    /// <summary>Runs <paramref name="action"/> through the pipeline; a final failure is thrown.</summary>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="action">The operation; it receives the token to honour (timeouts cancel it).</param>
    /// <param name="cancellationToken">The caller's token.</param>
    /// <returns>The operation's result.</returns>
    public ValueTask<TResult> ExecuteAsync<TResult>(Func<CancellationToken, ValueTask<TResult>> action, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(action);
        return Pipeline.ExecuteAsync(static (a, token) => a(token), action, cancellationToken);
    }

    /// <summary>
    /// Runs <paramref name="action"/> through the pipeline and, when it finally fails — an exception other than the caller's
    /// cancellation, or a result the classifier deems a transient failure (such as a 503 response) — returns what
    /// <paramref name="fallback"/> gives instead.
    /// </summary>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="action">The operation; it receives the token to honour (timeouts cancel it).</param>
    /// <param name="fallback">Computes the substitute from the failed outcome.</param>
    /// <param name="cancellationToken">The caller's token.</param>
    /// <returns>The operation's result, or the fallback's.</returns>
    public async ValueTask<TResult> ExecuteAsync<TResult>(
        Func<CancellationToken, ValueTask<TResult>> action,
        Func<Outcome<TResult>, ValueTask<TResult>> fallback,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(fallback);

        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        try
        {
            var outcome = await Pipeline.ExecuteOutcomeAsync(
                static async (ctx, a) =>
                {
                    try
                    {
                        return Outcome.FromResult(await a(ctx.CancellationToken).ConfigureAwait(ctx.ContinueOnCapturedContext));
                    }
                    catch (Exception e)
                    {
                        return Outcome.FromException<TResult>(e);
                    }
                },
                context,
                action).ConfigureAwait(false);

            bool failed = outcome.Exception is { } exception
                ? !TransientClassifier.IsCallerCancellation(exception, cancellationToken)
                : Classifier.IsTransientOutcome(outcome, cancellationToken);
            if (failed)
            {
                // The fallback sees the failed outcome intact; a failed result it does not return is disposed after.
                var substitute = await fallback(outcome).ConfigureAwait(false);
                if (!ReferenceEquals(outcome.Result, substitute))
                {
                    await ResultDisposal.DisposeResultAsync(outcome).ConfigureAwait(false);
                }

                return substitute;
            }

            outcome.ThrowIfException();
            return outcome.Result!;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }
}
