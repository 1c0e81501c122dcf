using Bulwark.Bulkhead;
using Bulwark.Classification;
using Polly;
using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Polly.Timeout;

namespace Bulwark.Outcomes;

/// <summary>Computes an attempt's <see cref="AttemptOutcome"/> from its Polly outcome, by type, once.</summary>
internal static class AttemptClassification
{
    /// <summary>Classifies an attempt.</summary>
    /// <param name="outcome">The attempt's outcome.</param>
    /// <param name="failover">Whether the chain's failover rule rejects a result (ignored for exceptions).</param>
    /// <param name="callerCancelled">Whether the caller's token was cancelled.</param>
    /// <param name="attemptCancelled">Whether the attempt's own token (the pipeline's, which its timeouts cancel) was cancelled.</param>
    /// <param name="classifier">The provider's transient rule.</param>
    public static AttemptOutcome Classify<TResult>(Outcome<TResult> outcome, bool failover, bool callerCancelled, bool attemptCancelled, TransientClassifier classifier)
    {
        if (outcome.Exception is not { } exception)
        {
            if (!failover)
            {
                return AttemptOutcome.Success;
            }

            return StatusOf(outcome.Result) is { } status && classifier.IsTransientStatusCode(status)
                ? AttemptOutcome.TransientStatus
                : AttemptOutcome.Failed;
        }

        return exception switch
        {
            OperationCanceledException when callerCancelled => AttemptOutcome.Cancelled,
            TimeoutRejectedException or TimeoutException => AttemptOutcome.Timeout,

            // The attempt's token cancelled while the caller's was not: the pipeline's own timeout stopped the attempt. A
            // cancellation neither caused (the callback's own) says nothing of time.
            OperationCanceledException when attemptCancelled => AttemptOutcome.Timeout,
            OperationCanceledException => AttemptOutcome.Failed,
            IsolatedCircuitException => AttemptOutcome.Isolated,
            BrokenCircuitException => AttemptOutcome.CircuitOpen,
            BulkheadRejectedException => AttemptOutcome.BulkheadFull,
            RateLimiterRejectedException => AttemptOutcome.RateLimited,
            ExecutionRejectedException => AttemptOutcome.Rejected,
            HttpRequestException { StatusCode: { } status } => classifier.IsTransientStatusCode((int)status) ? AttemptOutcome.TransientStatus : AttemptOutcome.Failed,
            HttpRequestException or IOException or System.Net.Sockets.SocketException => AttemptOutcome.ConnectionFailed,
            _ => AttemptOutcome.Failed,
        };
    }

    /// <summary>Gets whether the attempt may have reached the provider; never for a rejection or a skipped provider.</summary>
    public static bool ReachedProvider<TResult>(Outcome<TResult> outcome, AttemptOutcome kind) =>
        !kind.IsRejection() && RequestDelivery.MayHaveReachedDependency(outcome);

    /// <summary>Gets whether the attempt reached the provider and its answer proves the provider did not process it (a 429; a 503 with Retry-After).</summary>
    public static bool ProvedNotProcessed<TResult>(Outcome<TResult> outcome, AttemptOutcome kind) =>
        kind != AttemptOutcome.Success && ReachedProvider(outcome, kind) && !RequestDelivery.MayHaveBeenProcessed(outcome);

    /// <summary>The HTTP status of a result that carries one (<see cref="HttpResponseMessage"/>, <see cref="IHttpStatusResult"/>), or <see langword="null"/>.</summary>
    public static int? StatusOf<TResult>(TResult? result) => result switch
    {
        HttpResponseMessage response => (int)response.StatusCode,
        IHttpStatusResult carrier => carrier.StatusCode,
        _ => null,
    };
}
