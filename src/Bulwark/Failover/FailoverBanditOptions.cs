namespace Bulwark.Failover;

/// <summary>
/// The weights of <see cref="FailoverBalance.Bandit"/>. For each execution, provider <c>i</c> scores
/// <c>SuccessWeight · θᵢ + LatencyWeight · min(1, LatencyGoal / Lᵢ) + CostWeight · Cmin / Cᵢ</c>, where <c>θᵢ</c> is drawn from
/// <c>Beta(1 + sᵢ, 1 + fᵢ)</c>, <c>sᵢ</c> and <c>fᵢ</c> are the provider's decayed successes and failures (each new
/// outcome multiplies both by <see cref="Decay"/> first), and <c>Lᵢ</c> is the decayed mean duration of its recent
/// calls (the latency term is 1 until it has one); <c>Cᵢ</c> is the decayed mean cost per request reported for it with
/// <see cref="FailoverExecutor{TResult}.RecordCost(int, double)"/> and <c>Cmin</c> the smallest such cost among the
/// providers (the cost term is 1 for a provider with no cost reported, or a cost of 0). Providers are tried by score,
/// highest first.
/// </summary>
public sealed class FailoverBanditOptions
{
    /// <summary>Gets or sets the weight of the sampled success rate.</summary>
    /// <value>The default value is 1. Range: 0 to 100; not every weight 0.</value>
    public double SuccessWeight { get; set; } = FailoverBalanceConstants.DefaultSuccessWeight;

    /// <summary>Gets or sets the weight of the latency term <c>min(1, LatencyGoal / Lᵢ)</c>.</summary>
    /// <value>The default value is 0.5. Range: 0 to 100; not every weight 0.</value>
    public double LatencyWeight { get; set; } = FailoverBalanceConstants.DefaultLatencyWeight;

    /// <summary>
    /// Gets or sets the weight of the cost term <c>Cmin / Cᵢ</c>: the cheapest provider (per request, by the costs reported
    /// with <see cref="FailoverExecutor{TResult}.RecordCost(int, double)"/>) gets the full weight, one twice as dear half.
    /// </summary>
    /// <value>The default value is 0: cost is not scored. Range: 0 to 100; not every weight 0.</value>
    public double CostWeight { get; set; }

    /// <summary>Gets or sets the latency goal: a provider whose recent mean duration is within it gets the full latency term.</summary>
    /// <value>The default value is 1 second. Range: 1 ms to 1 day.</value>
    public TimeSpan LatencyGoal { get; set; } = FailoverBalanceConstants.DefaultLatencyGoal;

    /// <summary>
    /// Gets or sets the factor each provider's past outcomes and durations are multiplied by when a new one is recorded, so
    /// recent calls count most: about <c>1 / (1 − Decay)</c> calls make up its memory, and a provider that degrades is
    /// soon scored by its new behaviour.
    /// </summary>
    /// <value>The default value is 0.98 (about the last 50 calls). Range: greater than 0 to 1 (1 never forgets).</value>
    public double Decay { get; set; } = FailoverBalanceConstants.DefaultDecay;
}
