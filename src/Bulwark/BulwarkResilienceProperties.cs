using Bulwark.Classification;
using Polly;

namespace Bulwark;

/// <summary>Keys of <see cref="ResilienceContext.Properties"/> that Bulwark's strategies read.</summary>
public static class BulwarkResilienceProperties
{
    /// <summary>
    /// After which failures the operation may be sent again (<see cref="ReplayCondition"/>). Set it to
    /// <see cref="ReplayCondition.NotProcessed"/> for a non-idempotent write (a POST without an idempotency key): Bulwark's
    /// retry and failover then repeat it only after failures that prove the dependency did not process it — a refused
    /// connection, a breaker's or bulkhead's rejection, a 429, a 503 with Retry-After (<see cref="RequestDelivery"/>); to
    /// <see cref="ReplayCondition.NotSent"/> for an operation whose input can be sent only once. Absent means
    /// <see cref="ReplayCondition.Always"/>.
    /// </summary>
    public static readonly ResiliencePropertyKey<ReplayCondition> Replay = new("Bulwark.Replay");

    /// <summary>
    /// The most attempts Bulwark's retry strategy makes in this execution (the first one included), in place of its own
    /// <c>MaxRetries</c> + 1. A <see cref="Failover.FailoverExecutor{TResult}"/> with
    /// <see cref="Failover.FailoverOptions{TResult}.MaxAttempts"/> sets it to hand a provider the attempts that providers
    /// which cannot serve leave unspent. Each retry still needs the provider's retry budget, and a strategy configured with
    /// <c>MaxRetries</c> 0 still makes no retry. Absent means the strategy's own limit; values below 1 count as 1.
    /// </summary>
    public static readonly ResiliencePropertyKey<int> MaxAttempts = new("Bulwark.MaxAttempts");

    /// <summary>
    /// When <see langword="true"/>, a Bulwark circuit breaker that is open or half-open lets this execution through
    /// instead of rejecting it, and does not count its outcome (it is no probe: the breaker's own break and probes decide
    /// when it closes). An isolated breaker (manual control) still rejects it. A
    /// <see cref="Failover.FailoverExecutor{TResult}"/> sets it in panic (<see cref="Failover.FailoverOptions{TResult}.PanicThreshold"/>),
    /// when too few of its providers can serve for their breakers' judgement to be worth more than an answer. Absent
    /// means <see langword="false"/>.
    /// </summary>
    public static readonly ResiliencePropertyKey<bool> BypassOpenBreaker = new("Bulwark.BypassOpenBreaker");

    internal static ReplayCondition ReplayOf(ResilienceContext context) =>
        context.Properties.TryGetValue(Replay, out ReplayCondition replay) ? replay : ReplayCondition.Always;
}
