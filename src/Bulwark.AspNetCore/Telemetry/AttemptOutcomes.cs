using Bulwark.Failover;
using Bulwark.Outcomes;

namespace Bulwark.AspNetCore.Telemetry;

/// <summary>The outcome tag values of attempt metrics and spans, read off the engine's typed <see cref="AttemptOutcome"/>.</summary>
internal static class AttemptOutcomes
{
    public const string Success = "success";
    public const string Failure = "failure";
    public const string Timeout = "timeout";
    public const string Rejected = "rejected";
    public const string Skipped = "skipped";
    public const string Cancelled = "cancelled";

    public static string Of(in FailoverAttempt attempt) => attempt.Outcome switch
    {
        AttemptOutcome.Success => Success,
        AttemptOutcome.Skipped => Skipped,
        AttemptOutcome.Cancelled => Cancelled,
        AttemptOutcome.Timeout => Timeout,
        AttemptOutcome.CircuitOpen or AttemptOutcome.Isolated or AttemptOutcome.BulkheadFull or AttemptOutcome.RateLimited or AttemptOutcome.Rejected => Rejected,
        _ => Failure,
    };

    /// <summary>
    /// Whether the attempt counts for the provider's latency and health (made at the provider, even if its connection was
    /// refused): unlike <see cref="FailoverAttempt.ReachedProvider"/>, which says whether the request may have been delivered.
    /// </summary>
    public static bool ReachedProvider(string outcome) => outcome is Success or Failure or Timeout;

    /// <summary>Why Bulwark refused the attempt, or <see langword="null"/> if it did not.</summary>
    public static string? RejectionReason(in FailoverAttempt attempt) => attempt.Outcome switch
    {
        AttemptOutcome.Skipped or AttemptOutcome.CircuitOpen => "circuit_open",
        AttemptOutcome.Isolated => "isolated",
        AttemptOutcome.BulkheadFull => "bulkhead",
        AttemptOutcome.RateLimited => "rate_limited",
        AttemptOutcome.Rejected => "other",
        _ => null,
    };
}
