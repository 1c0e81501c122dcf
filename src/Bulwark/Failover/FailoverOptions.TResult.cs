namespace Bulwark.Failover;

/// <summary>
/// Options of a <see cref="FailoverExecutor{TResult}"/>.
/// </summary>
/// <typeparam name="TResult">The result type.</typeparam>
public class FailoverOptions<TResult>
{
    /// <summary>
    /// Gets or sets the predicate that decides whether a provider's final outcome (after its own pipeline's retries)
    /// sends the execution on to the next provider. It is also used to label each attempt as success or failure.
    /// </summary>
    /// <remarks>
    /// Whatever the predicate says, an outcome carrying a <see cref="Polly.ExecutionRejectedException"/> (open circuit,
    /// bulkhead rejection, timeout) always moves on, and the caller's own cancellation always stops the chain.
    /// </remarks>
    /// <value>
    /// The default fails over on any exception except an <see cref="OperationCanceledException"/> while the caller's
    /// token is cancelled, and on an <see cref="HttpResponseMessage"/> whose status the provider's
    /// <see cref="FailoverProvider{TResult}.Classifier"/> calls transient (408, 429, 500, 502, 503, 504, 529 by default).
    /// This property is required.
    /// </value>
    public Func<FailoverPredicateArguments<TResult>, bool> ShouldFailover { get; set; } = FailoverConstants.ShouldFailoverByDefault;

    /// <summary>
    /// Gets or sets the action that produces a result when every provider failed or was skipped.
    /// </summary>
    /// <value>
    /// The default value is <see langword="null"/>: the last provider's failed outcome is returned instead, or a
    /// <see cref="NoAvailableProviderException"/> if every provider was skipped.
    /// </value>
    public Func<FailoverFallbackArguments<TResult>, ValueTask<TResult>>? Fallback { get; set; }

    /// <summary>
    /// Gets or sets the chain's attempt allowance: the most attempts one execution makes over all its providers. The
    /// attempts of providers that cannot serve (skipped while their breaker is open, or stopped early by a rejection) are
    /// spent on the providers that still can, each retry within that provider's retry budget; so a chain with a dead
    /// provider keeps the chance of success it has with all of them alive.
    /// </summary>
    /// <remarks>
    /// Arriving at a provider, the executor keeps <see cref="FailoverProvider{TResult}.MaxAttempts"/> for each later
    /// provider that is available now (one for each that is not), and hands this one the rest of the allowance (at least
    /// one attempt) through <see cref="BulwarkResilienceProperties.MaxAttempts"/>; Bulwark's retry strategy honours it.
    /// A provider whose pipeline makes no retry (no Bulwark retry, or <c>MaxRetries</c> 0) makes one attempt whatever it
    /// is handed. The allowance bounds Bulwark's retry only: a pipeline that also retries with another strategy (Polly's
    /// <c>AddRetry</c>, hedging, an outer retry around the provider's pipeline) multiplies the attempts beyond it.
    /// </remarks>
    /// <value>
    /// The default value is <see langword="null"/>: each provider makes its own attempts and no more (the sum of
    /// <see cref="FailoverProvider{TResult}.MaxAttempts"/> is the natural allowance). Range: the number of providers to
    /// 1,000.
    /// </value>
    public int? MaxAttempts { get; set; }

    /// <summary>
    /// Gets or sets the panic threshold, in percent of the chain's providers: when fewer than this share can serve (their breakers
    /// admit calls) when the chain reaches a provider that cannot, the execution panics, as Envoy's load balancer does below its panic
    /// threshold — providers whose breaker is open or half-open are tried too, in their place in the chain, their breaker
    /// passed through (<see cref="BulwarkResilienceProperties.BypassOpenBreaker"/>) and their outcomes not counted by it.
    /// A route whose every provider is judged bad (each failing 30% of calls, say) then serves what it can instead of
    /// refusing every request while the breakers are open. An isolated breaker is never passed through.
    /// </summary>
    /// <value>
    /// The default value is 0: never panic; an open breaker's provider is always skipped. Range: 0 to 100; 100 panics
    /// whenever any provider is unavailable; 50 (Envoy's default) when fewer than half can serve.
    /// </value>
    public int PanicThreshold { get; set; }

    /// <summary>
    /// Gets or sets how the providers are ordered for each execution: in their configured order, or chosen among by
    /// <see cref="FailoverBalance.RoundRobin"/>, <see cref="FailoverBalance.LeastBusy"/>,
    /// <see cref="FailoverBalance.PowerOfTwo"/> or <see cref="FailoverBalance.Bandit"/>. Failover, skipping and
    /// <see cref="PanicThreshold"/> apply to the order chosen.
    /// </summary>
    /// <value>The default value is <see cref="FailoverBalance.Ordered"/>.</value>
    public FailoverBalance Balance { get; set; }

    /// <summary>Gets or sets the weights and memory of <see cref="FailoverBalance.Bandit"/>; read only with that balance.</summary>
    /// <value>The default value is the defaults of <see cref="FailoverBanditOptions"/>. This property is required.</value>
    public FailoverBanditOptions Bandit { get; set; } = new();

    /// <summary>
    /// Gets or sets the random source of <see cref="FailoverBalance.PowerOfTwo"/> and <see cref="FailoverBalance.Bandit"/>
    /// (a seeded one makes their choices repeatable); the executor serializes its use.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: <see cref="Random.Shared"/>.</value>
    public Random? Random { get; set; }

    /// <summary>
    /// Gets or sets the time provider used to measure attempt durations.
    /// </summary>
    /// <value>
    /// The default value is <see cref="TimeProvider.System"/>. This property is required.
    /// </value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
