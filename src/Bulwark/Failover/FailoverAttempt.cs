using Bulwark.Outcomes;

namespace Bulwark.Failover;

/// <summary>
/// One attempt of a failover execution: a single invocation of the callback by a provider's pipeline (each retry is
/// its own attempt), a rejection by that pipeline, or a provider skipped as unavailable.
/// </summary>
/// <param name="Provider">The provider's name.</param>
/// <param name="AttemptNumber">The 1-based number of the attempt within its provider; 0 for a skipped provider.</param>
/// <param name="Kind">How the attempt ended.</param>
/// <param name="StatusCode">The HTTP status code when the result was an <see cref="HttpResponseMessage"/>; otherwise <see langword="null"/>.</param>
/// <param name="ExceptionType">The full type name of the exception the attempt ended with, if any.</param>
/// <param name="Duration">How long the attempt took, measured with <see cref="FailoverOptions{TResult}.TimeProvider"/>; zero for a skipped provider.</param>
/// <param name="Outcome">How the attempt ended, in detail; computed once, where it happened.</param>
/// <param name="ReachedProvider">Whether the request may have reached the provider; never for a rejection or a skipped provider.</param>
public readonly record struct FailoverAttempt(
    string Provider,
    int AttemptNumber,
    FailoverAttemptKind Kind,
    int? StatusCode,
    string? ExceptionType,
    TimeSpan Duration,
    AttemptOutcome Outcome,
    bool ReachedProvider);
