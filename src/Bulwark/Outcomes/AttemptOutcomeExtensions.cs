namespace Bulwark.Outcomes;

/// <summary>Questions about an <see cref="AttemptOutcome"/> that every reader would otherwise answer on its own.</summary>
public static class AttemptOutcomeExtensions
{
    /// <summary>Gets a value indicating whether the attempt failed or was refused (anything but success and cancellation).</summary>
    /// <param name="outcome">The outcome.</param>
    /// <returns><see langword="true"/> for a failure, a rejection or a skipped provider.</returns>
    public static bool IsFailure(this AttemptOutcome outcome) => outcome is not (AttemptOutcome.Success or AttemptOutcome.Cancelled);

    /// <summary>
    /// Gets a value indicating whether Bulwark itself refused the attempt before sending anything: a breaker, bulkhead or
    /// rate limiter rejection, or a skipped provider. Such an attempt says nothing about the provider's latency.
    /// </summary>
    /// <param name="outcome">The outcome.</param>
    /// <returns><see langword="true"/> for <see cref="AttemptOutcome.CircuitOpen"/>, <see cref="AttemptOutcome.Isolated"/>,
    /// <see cref="AttemptOutcome.BulkheadFull"/>, <see cref="AttemptOutcome.RateLimited"/>, <see cref="AttemptOutcome.Rejected"/> and <see cref="AttemptOutcome.Skipped"/>.</returns>
    public static bool IsRejection(this AttemptOutcome outcome) => outcome is
        AttemptOutcome.CircuitOpen or AttemptOutcome.Isolated or AttemptOutcome.BulkheadFull or AttemptOutcome.RateLimited or AttemptOutcome.Rejected or AttemptOutcome.Skipped;
}
