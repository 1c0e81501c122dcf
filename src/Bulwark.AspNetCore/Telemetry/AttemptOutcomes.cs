using Bulwark.Failover;

namespace Bulwark.AspNetCore.Telemetry;

/// <summary>Names an attempt's outcome and a rejection's reason, with a bounded set of values (metric attributes).</summary>
internal static class AttemptOutcomes
{
    public const string Success = "success";
    public const string Failure = "failure";
    public const string Timeout = "timeout";
    public const string Rejected = "rejected";
    public const string Skipped = "skipped";
    public const string Cancelled = "cancelled";

    public static string Of(in FailoverAttempt attempt) => attempt.Kind switch
    {
        FailoverAttemptKind.Success => Success,
        FailoverAttemptKind.Skipped => Skipped,
        FailoverAttemptKind.Cancelled => Cancelled,
        FailoverAttemptKind.Rejected => IsTimeout(attempt.ExceptionType) ? Timeout : Rejected,

        // An attempt cancelled by the pipeline's own timeout is recorded as a failure with a cancellation exception.
        _ => IsTimeout(attempt.ExceptionType) || (attempt.ExceptionType?.EndsWith("CanceledException", StringComparison.Ordinal) ?? false) ? Timeout : Failure,
    };

    /// <summary>Whether the attempt reached the provider (and so has a meaningful latency and outcome for it).</summary>
    public static bool ReachedProvider(string outcome) => outcome is Success or Failure or Timeout;

    /// <summary>Why the provider refused the attempt, or <see langword="null"/> if it did not.</summary>
    public static string? RejectionReason(in FailoverAttempt attempt, string outcome) => outcome switch
    {
        Skipped => "circuit_open",
        Rejected => attempt.ExceptionType switch
        {
            { } t when t.Contains("Bulkhead", StringComparison.Ordinal) => "bulkhead",
            { } t when t.Contains("Isolated", StringComparison.Ordinal) => "isolated",
            { } t when t.Contains("RateLimiter", StringComparison.Ordinal) => "rate_limited",
            { } t when t.Contains("Circuit", StringComparison.Ordinal) => "circuit_open",
            _ => "other",
        },
        _ => null,
    };

    private static bool IsTimeout(string? exceptionType) => exceptionType?.Contains("Timeout", StringComparison.Ordinal) ?? false;
}
