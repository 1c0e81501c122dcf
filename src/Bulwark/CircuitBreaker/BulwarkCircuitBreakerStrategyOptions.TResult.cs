using System.ComponentModel.DataAnnotations;
using Polly;

namespace Bulwark.CircuitBreaker;

/// <summary>
/// Options of the Bulwark circuit breaker, added with
/// <c>AddBulwarkCircuitBreaker</c>.
/// </summary>
/// <typeparam name="TResult">The type of result the breaker sees.</typeparam>
/// <remarks>
/// <para><b>Adaptive mode.</b> Let <c>n</c> be the calls and <c>f</c> the handled failures in the sliding window,
/// <c>p = f / n</c>, and <c>z</c> = <see cref="Z"/>. The window's failure rate is judged by the lower bound of its
/// Wilson score interval:</para>
/// <code>
/// L = (p + z²/2n − z·√(p(1−p)/n + z²/4n²)) / (1 + z²/n)
/// </code>
/// <para>The baseline <c>b</c> mixes a prior, <see cref="InitialBaseline"/> <c>b₀</c>, with the failure rate learned from the
/// dependency's history, learned only while the breaker is closed. The history is exponentially weighted: every completed
/// bucket decays the running sums by <c>d = exp(−bucket / BaselineHorizon)</c>, so
/// <c>F ← F·d + min(f_bucket, ⌈T·n_bucket⌉)</c>, <c>N ← N·d + n_bucket</c>, and the learned rate is <c>r = F / N</c>.
/// The prior weighs as <see cref="InitialBaselineWeight"/> <c>W</c> of the dependency's own traffic and decays with the same
/// horizon <c>H</c>: after <c>t</c> of traffic seen while closed (idle time does not count), the prior holds
/// <c>P = W·e^(−t/H)</c> and the history <c>E = H·(1 − e^(−t/H))</c>, and</para>
/// <code>
/// b = (b₀·P + r·E) / (P + E)
/// </code>
/// <para>Both are times, so the prior's share does not depend on the call rate: with the defaults (<c>W = H</c> = 10 minutes)
/// the history outweighs the prior after <c>H·ln 2</c> ≈ 7 minutes of traffic and holds 86% of the baseline after two
/// horizons. A dependency that fails 30% from its first call is therefore judged against the prior's threshold (0.2) while
/// it trips, instead of teaching the baseline within seconds that 30% is its normal rate (the breaker learns nothing while
/// it is open). The threshold is <c>T = clamp(b · ThresholdMultiplier, MinThreshold, MaxThreshold)</c>, and the breaker opens when
/// <c>n ≥ MinimumThroughput</c> and <c>L &gt; T</c>, judged both over the whole window (a sustained rise) and over its two
/// most recent buckets, a fifth of it (an abrupt outage, which need not first outweigh the healthy history the rest of the
/// window holds). Each bucket's failures are capped at the current threshold before
/// they are learned (winsorized), so an outage the window has not yet judged cannot teach the baseline that failing is
/// normal, while a dependency whose normal rate really is higher is still learned, one threshold step at a time.</para>
/// <para>Why few false opens on small samples: <c>L</c> is the smallest true failure rate consistent with what the
/// window saw at confidence <c>z</c>. With 20 calls and z = 3 it takes 10 failures (50%) before <c>L</c> passes 0.2,
/// while with 200 calls 57 failures (28.5%) suffice: the fewer the calls, the more evidence is demanded, so the noise of
/// a quiet window cannot trip the breaker, whereas a plain ratio of 0.1 trips on 2 failures out of 20.
/// A dependency that normally fails 15% of the time learns <c>b ≈ 0.15</c> and a threshold of 0.3, so its usual noise
/// never opens the breaker, while a step to 60% does within a fraction of the window.</para>
/// </remarks>
public class BulwarkCircuitBreakerStrategyOptions<TResult> : ResilienceStrategyOptions
{
    /// <summary>Initializes a new instance of the <see cref="BulwarkCircuitBreakerStrategyOptions{TResult}"/> class.</summary>
    public BulwarkCircuitBreakerStrategyOptions()
    {
        Name = CircuitBreakerConstants.DefaultName;
    }

    /// <summary>Gets or sets how the breaker decides to open.</summary>
    /// <value>Defaults to <see cref="CircuitBreakerMode.Adaptive"/>.</value>
    public CircuitBreakerMode Mode { get; set; } = CircuitBreakerConstants.DefaultMode;

    /// <summary>Gets or sets the failures in a row that open the breaker in <see cref="CircuitBreakerMode.ConsecutiveFailures"/> mode.</summary>
    /// <value>Defaults to 5. Range 1 to 1,000,000.</value>
    [Range(1, 1_000_000)]
    public int FailureThreshold { get; set; } = CircuitBreakerConstants.DefaultFailureThreshold;

    /// <summary>Gets or sets the window failure ratio that opens the breaker in <see cref="CircuitBreakerMode.FailureRatio"/> mode.</summary>
    /// <value>Defaults to 0.5. Range greater than 0 up to 1.</value>
    [Range(0.0, 1.0, MinimumIsExclusive = true)]
    public double FailureRatio { get; set; } = CircuitBreakerConstants.DefaultFailureRatio;

    /// <summary>Gets or sets the calls the window must hold before a ratio or adaptive decision is made.</summary>
    /// <value>Defaults to 20. Range 2 to 1,000,000.</value>
    [Range(CircuitBreakerConstants.MinimumThroughputFloor, 1_000_000)]
    public int MinimumThroughput { get; set; } = CircuitBreakerConstants.DefaultMinimumThroughput;

    /// <summary>Gets or sets the length of the sliding window, divided into 10 buckets.</summary>
    /// <value>Defaults to 10 seconds. Range 100 ms to 1 day.</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00")]
    public TimeSpan SamplingDuration { get; set; } = CircuitBreakerConstants.DefaultSamplingDuration;

    /// <summary>Gets or sets how long the breaker stays open after its first trip.</summary>
    /// <value>Defaults to 5 seconds. Range 10 ms to 1 day.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan BreakDuration { get; set; } = CircuitBreakerConstants.DefaultBreakDuration;

    /// <summary>
    /// Gets or sets the factor by which the break duration grows with each consecutive trip (a probe failing
    /// reopens the breaker for <c>BreakDuration · factor^(trips−1)</c>); 1 keeps it constant.
    /// </summary>
    /// <value>Defaults to 2. Range 1 to 10.</value>
    [Range(1.0, 10.0)]
    public double BreakDurationGrowthFactor { get; set; } = CircuitBreakerConstants.DefaultBreakDurationGrowthFactor;

    /// <summary>Gets or sets the cap on the break duration, whether grown by the factor or computed by <see cref="BreakDurationGenerator"/>.</summary>
    /// <value>Defaults to 60 seconds. Range 10 ms to 1 day; must not be below <see cref="BreakDuration"/>.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan MaxBreakDuration { get; set; } = CircuitBreakerConstants.DefaultMaxBreakDuration;

    /// <summary>
    /// Gets or sets an optional function that computes the break duration from the trip count; its result is capped by
    /// <see cref="MaxBreakDuration"/>. When <see langword="null"/>, <see cref="BreakDurationGrowthFactor"/> applies.
    /// </summary>
    /// <value>Defaults to <see langword="null"/>.</value>
    public Func<BreakDurationGeneratorArguments, TimeSpan>? BreakDurationGenerator { get; set; }

    /// <summary>Gets or sets the number of concurrent probe calls allowed while half-open.</summary>
    /// <value>Defaults to 1. Range 1 to 1,000.</value>
    [Range(1, 1_000)]
    public int HalfOpenMaxCalls { get; set; } = CircuitBreakerConstants.DefaultHalfOpenMaxCalls;

    /// <summary>Gets or sets the consecutive probe successes that close a half-open breaker; any probe failure reopens it.</summary>
    /// <value>Defaults to 2. Range 1 to 1,000.</value>
    [Range(1, 1_000)]
    public int SuccessThreshold { get; set; } = CircuitBreakerConstants.DefaultSuccessThreshold;

    /// <summary>Gets or sets the duration above which a successful call counts as a failure; <see langword="null"/> disables slow-call counting.</summary>
    /// <value>Defaults to <see langword="null"/>. Range 1 ms to 1 hour.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan? SlowCallDuration { get; set; }

    /// <summary>Gets or sets the confidence factor of the Wilson lower bound in <see cref="CircuitBreakerMode.Adaptive"/> mode.</summary>
    /// <value>Defaults to 3 (about 99.9% one-sided). Range greater than 0 up to 10.</value>
    [Range(0.0, 10.0, MinimumIsExclusive = true)]
    public double Z { get; set; } = CircuitBreakerConstants.DefaultZ;

    /// <summary>Gets or sets the lowest adaptive threshold, whatever the baseline.</summary>
    /// <value>Defaults to 0.2. Range greater than 0 up to 1; must not exceed <see cref="MaxThreshold"/>.</value>
    [Range(0.0, 1.0, MinimumIsExclusive = true)]
    public double MinThreshold { get; set; } = CircuitBreakerConstants.DefaultMinThreshold;

    /// <summary>Gets or sets the highest adaptive threshold, so a dependency that learned a high failure rate still trips.</summary>
    /// <value>Defaults to 0.8. Range greater than 0 up to 1.</value>
    [Range(0.0, 1.0, MinimumIsExclusive = true)]
    public double MaxThreshold { get; set; } = CircuitBreakerConstants.DefaultMaxThreshold;

    /// <summary>Gets or sets the factor applied to the learned baseline to obtain the adaptive threshold.</summary>
    /// <value>Defaults to 2. Range 1 to 100.</value>
    [Range(1.0, 100.0)]
    public double ThresholdMultiplier { get; set; } = CircuitBreakerConstants.DefaultThresholdMultiplier;

    /// <summary>Gets or sets the baseline failure rate assumed before any traffic is seen.</summary>
    /// <value>Defaults to 0.05. Range 0 to 1.</value>
    [Range(0.0, 1.0)]
    public double InitialBaseline { get; set; } = CircuitBreakerConstants.DefaultInitialBaseline;

    /// <summary>
    /// Gets or sets how much of the dependency's own traffic <see cref="InitialBaseline"/> counts as, as a length of time: the
    /// learned rate must outweigh it, and it decays with <see cref="BaselineHorizon"/> as the history does (see the remarks
    /// of <see cref="BulwarkCircuitBreakerStrategyOptions{TResult}"/> for the formula). Measured in time rather than calls,
    /// so that it holds equally at 1 or 1,000 calls per second; time without traffic and time the breaker is not closed do
    /// not count. <see cref="TimeSpan.Zero"/> starts from the learned rate alone, as soon as the first bucket completes.
    /// </summary>
    /// <value>
    /// Defaults to 10 minutes (with the default horizon, the history outweighs it after about 7 minutes of traffic).
    /// Range 0 to 7 days, and at most 10 × <see cref="BaselineHorizon"/>, beyond which the history would need more than
    /// 2.4 horizons of traffic to outweigh the prior.
    /// </value>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan InitialBaselineWeight { get; set; } = CircuitBreakerConstants.DefaultInitialBaselineWeight;

    /// <summary>Gets or sets the time constant of the baseline's exponential decay: older history weighs <c>e</c> times less per horizon.</summary>
    /// <value>Defaults to 10 minutes. Range 1 second to 7 days; should be much longer than <see cref="SamplingDuration"/>.</value>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan BaselineHorizon { get; set; } = CircuitBreakerConstants.DefaultBaselineHorizon;

    /// <summary>
    /// Gets or sets the predicate that decides whether an outcome is a failure. Caller cancellation is never a failure,
    /// whatever the predicate says.
    /// </summary>
    /// <value>Defaults to: any exception except <see cref="OperationCanceledException"/>.</value>
    [Required]
    public Func<BulwarkCircuitBreakerPredicateArguments<TResult>, ValueTask<bool>> ShouldHandle { get; set; } = DefaultShouldHandle;

    /// <summary>Gets or sets the callback raised after the breaker opens (from closed or half-open).</summary>
    /// <value>Defaults to <see langword="null"/>.</value>
    public Func<CircuitTransitionArguments, ValueTask>? OnOpened { get; set; }

    /// <summary>Gets or sets the callback raised after the breaker half-opens.</summary>
    /// <value>Defaults to <see langword="null"/>.</value>
    public Func<CircuitTransitionArguments, ValueTask>? OnHalfOpened { get; set; }

    /// <summary>Gets or sets the callback raised after the breaker closes.</summary>
    /// <value>Defaults to <see langword="null"/>.</value>
    public Func<CircuitTransitionArguments, ValueTask>? OnClosed { get; set; }

    /// <summary>
    /// Gets or sets the handle through which the breaker is read, controlled, snapshotted and restored.
    /// A handle binds to one breaker only.
    /// </summary>
    /// <value>Defaults to <see langword="null"/>.</value>
    public CircuitBreakerHandle? Handle { get; set; }

    private static ValueTask<bool> DefaultShouldHandle(BulwarkCircuitBreakerPredicateArguments<TResult> args) =>
        new(args.Outcome.Exception is not null and not OperationCanceledException);
}
