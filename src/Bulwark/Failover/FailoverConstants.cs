using System.Net;

namespace Bulwark.Failover;

internal static class FailoverConstants
{
    /// <summary>The most attempts a chain's allowance or one provider may be given.</summary>
    public const int MaxAttemptsLimit = 1000;

    /// <summary>
    /// The default failover rule: any exception except the caller's own cancellation, or an HTTP response with
    /// status 408, 429 or 5xx.
    /// </summary>
    public static bool ShouldFailoverByDefault<TResult>(FailoverPredicateArguments<TResult> args)
    {
        if (args.Outcome.Exception is { } exception)
        {
            return !(exception is OperationCanceledException && args.CancellationToken.IsCancellationRequested);
        }

        return args.Outcome.Result is HttpResponseMessage response && IsTransientStatus(response.StatusCode);
    }

    public static bool IsTransientStatus(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;
}
