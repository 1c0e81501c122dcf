using Bulwark.AspNetCore.Requests;
using Bulwark.ErrorMonitoring;
using Bulwark.Failover;
using Bulwark.Gateway.Problems;
using Bulwark.Outcomes;

namespace Bulwark.Gateway.Errors;

/// <summary>
/// Feeds the error monitor from forwarding, once per request after it was answered: each attempt that failed (its
/// outcome as the type, with its provider, the route and its status) and, when the request itself failed, the answer
/// (the problem's type and status). A request served at its first attempt costs one look at its attempt and nothing else.
/// </summary>
internal static class GatewayErrorFeed
{
    private const string ClientGone = "client-gone";
    private const string Deferred = "deferred";

    /// <summary>Records what failed in a request the gateway has answered.</summary>
    /// <param name="context">The request.</param>
    /// <param name="route">The route's path template.</param>
    /// <param name="attempts">The request's attempts.</param>
    /// <param name="served">Whether a provider's answer was sent.</param>
    /// <param name="feature">The request log's record: its error type says how a failed request was answered.</param>
    public static void Record(HttpContext context, string route, IReadOnlyList<FailoverAttempt> attempts, bool served, BulwarkRequestFeature feature)
    {
        string? answer = feature.ErrorType is ClientGone ? null : feature.ErrorType;
        if (answer is null && !AnyFailed(attempts))
        {
            return;
        }

        if (context.RequestServices.GetService<IErrorMonitor>() is not { } monitor)
        {
            return;
        }

        // A later attempt is a recovery of an earlier failure; it succeeded when a provider served, a fallback answered or
        // the request was stored for later delivery (not yet known: counted as attempted only).
        bool recovered = (served && answer is null) || answer is Fallback.FallbackConstants.StaticErrorType or Fallback.FallbackConstants.LastGoodErrorType;
        for (int i = 0; i < attempts.Count; i++)
        {
            var attempt = attempts[i];
            if (!Failed(attempt))
            {
                continue;
            }

            bool later = i < attempts.Count - 1 || answer is not null;
            monitor.Record(
                attempt.Outcome.ToString(),
                // The exception's type only where the outcome names nothing more precise: elsewhere it varies with where the
                // failure was caught (a 503 answered, or thrown by a retry), which would split one error in two.
                attempt is { Outcome: AttemptOutcome.Failed, ExceptionType: { } exception } ? GatewayProblem.Describe(attempt) + " (" + exception + ")" : GatewayProblem.Describe(attempt),
                served || recovered ? ErrorSeverity.Warning : ErrorSeverity.Error,
                new ErrorContext { Provider = attempt.Provider, Route = route, StatusCode = attempt.StatusCode },
                recoveryAttempted: later,
                recoverySucceeded: later && recovered);
        }

        if (answer is null or Deferred)
        {
            return;
        }

        int status = context.Response.StatusCode;
        var last = LastTried(attempts);
        monitor.Record(
            answer,
            $"{context.Request.Method} answered {status} ({answer}) after {attempts.Count} attempt(s)",
            recovered || status < 500 ? ErrorSeverity.Warning : ErrorSeverity.Error,
            new ErrorContext { Provider = last?.Provider, Route = route, StatusCode = status },
            recoveryAttempted: attempts.Count > 1 || recovered,
            recoverySucceeded: recovered);
    }

    private static bool AnyFailed(IReadOnlyList<FailoverAttempt> attempts)
    {
        for (int i = 0; i < attempts.Count; i++)
        {
            if (Failed(attempts[i]))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>An attempt that ran, or was refused by its provider's pipeline, and did not succeed; the caller's cancellation and providers passed over are not failures.</summary>
    private static bool Failed(FailoverAttempt attempt) =>
        attempt.Outcome is not (AttemptOutcome.Success or AttemptOutcome.Skipped or AttemptOutcome.Cancelled);

    private static FailoverAttempt? LastTried(IReadOnlyList<FailoverAttempt> attempts)
    {
        for (int i = attempts.Count - 1; i >= 0; i--)
        {
            if (attempts[i].Outcome != AttemptOutcome.Skipped)
            {
                return attempts[i];
            }
        }

        return null;
    }
}
