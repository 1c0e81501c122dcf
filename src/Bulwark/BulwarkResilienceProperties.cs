using Polly;

namespace Bulwark;

/// <summary>Keys of <see cref="ResilienceContext.Properties"/> that Bulwark's strategies read.</summary>
public static class BulwarkResilienceProperties
{
    /// <summary>
    /// Whether the operation may be sent again once it may have reached the dependency. Set it to <see langword="false"/>
    /// for a non-idempotent write (a POST without an idempotency key): Bulwark's retry and failover then repeat it only
    /// after failures that certainly never reached the dependency, such as a refused connection or a breaker's or
    /// bulkhead's rejection (<see cref="Classification.RequestDelivery"/>). Absent means <see langword="true"/>.
    /// </summary>
    public static readonly ResiliencePropertyKey<bool> Replayable = new("Bulwark.Replayable");

    /// <summary>
    /// The most attempts Bulwark's retry strategy makes in this execution (the first one included), in place of its own
    /// <c>MaxRetries</c> + 1. A <see cref="Failover.FailoverExecutor{TResult}"/> with
    /// <see cref="Failover.FailoverOptions{TResult}.MaxAttempts"/> sets it to hand a provider the attempts that providers
    /// which cannot serve leave unspent. Each retry still needs the provider's retry budget, and a strategy configured with
    /// <c>MaxRetries</c> 0 still makes no retry. Absent means the strategy's own limit; values below 1 count as 1.
    /// </summary>
    public static readonly ResiliencePropertyKey<int> MaxAttempts = new("Bulwark.MaxAttempts");

    internal static bool IsReplayable(ResilienceContext context) =>
        !context.Properties.TryGetValue(Replayable, out bool replayable) || replayable;
}
