namespace Bulwark.Failover;

internal static class FailoverConstants
{
    /// <summary>The most attempts a chain's allowance or one provider may be given.</summary>
    public const int MaxAttemptsLimit = 1000;

    /// <summary>
    /// The default failover rule: any exception except the caller's own cancellation, or an HTTP response whose status the
    /// provider's <see cref="Classification.TransientClassifier"/> calls transient (the one rule retries and breakers use).
    /// </summary>
    public static bool ShouldFailoverByDefault<TResult>(FailoverPredicateArguments<TResult> args)
    {
        if (args.Outcome.Exception is { } exception)
        {
            return !(exception is OperationCanceledException && args.CancellationToken.IsCancellationRequested);
        }

        return args.Outcome.Result is HttpResponseMessage response && args.Classifier.IsTransientStatusCode((int)response.StatusCode);
    }
}
