namespace Bulwark.Gateway.Configuration;

/// <summary>
/// The weights of a <c>Bandit</c> route's score: for each request, provider <c>i</c> scores
/// <c>Success · θᵢ + Latency · min(1, BalanceLatencyGoal / Lᵢ)</c>, <c>θᵢ</c> drawn from the Beta posterior of its recent
/// successes and failures and <c>Lᵢ</c> its recent mean response time; the highest score is tried first.
/// </summary>
public sealed class GatewayBalanceWeightsOptions
{
    /// <summary>Gets or sets the weight of the sampled success rate.</summary>
    /// <value>Defaults to 1. Range 0 to 100; not both weights 0.</value>
    public double? Success { get; set; }

    /// <summary>Gets or sets the weight of the latency term.</summary>
    /// <value>Defaults to 0.5. Range 0 to 100; not both weights 0.</value>
    public double? Latency { get; set; }
}
