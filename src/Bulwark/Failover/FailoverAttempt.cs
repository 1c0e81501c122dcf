using Bulwark.Outcomes;

namespace Bulwark.Failover;

/// <summary>
/// One attempt of a failover execution: a single invocation of the callback by a provider's pipeline (each retry is
/// its own attempt), a rejection by that pipeline, or a provider skipped as unavailable.
/// </summary>
/// <param name="Provider">The provider's name.</param>
/// <param name="AttemptNumber">The 1-based number of the attempt within its provider; 0 for a skipped provider.</param>
/// <param name="Kind">How the attempt ended.</param>
/// <param name="StatusCode">The HTTP status code when the result was an <see cref="HttpResponseMessage"/> or an <see cref="Outcomes.IHttpStatusResult"/>, or the exception an <see cref="HttpRequestException"/> with a status; otherwise <see langword="null"/>.</param>
/// <param name="ExceptionType">The full type name of the exception the attempt ended with, if any.</param>
/// <param name="Duration">How long the attempt took, measured with <see cref="FailoverOptions{TResult}.TimeProvider"/>; zero for a skipped provider.</param>
/// <param name="Outcome">How the attempt ended, in detail; computed once, where it happened.</param>
/// <param name="ReachedProvider">Whether the request may have reached the provider; never for a rejection or a skipped provider.</param>
/// <param name="ProvedNotProcessed">
/// Whether the provider's answer proves it did not process the request although it reached it (it refused it: 429, or
/// 503 with Retry-After; <see cref="Classification.RequestDelivery.MayHaveBeenProcessed(Exception)"/>), so that sending it
/// again is safe even for a non-idempotent write.
/// </param>
/// <param name="SkipReason">
/// For a provider the caller passed over for this operation (<see cref="AttemptOutcome.Skipped"/>), the caller's reason,
/// such as a request the provider cannot serve; <see langword="null"/> for one skipped because its breaker was open, and
/// for every attempt that ran.
/// </param>
public readonly record struct FailoverAttempt(
    string Provider,
    int AttemptNumber,
    FailoverAttemptKind Kind,
    int? StatusCode,
    string? ExceptionType,
    TimeSpan Duration,
    AttemptOutcome Outcome,
    bool ReachedProvider,
    bool ProvedNotProcessed = false,
    string? SkipReason = null)
{
    /// <summary>Gets a value indicating whether the provider may have processed the request: it reached it, and its answer does not prove otherwise.</summary>
    public bool MayHaveBeenProcessed => ReachedProvider && !ProvedNotProcessed;
}
