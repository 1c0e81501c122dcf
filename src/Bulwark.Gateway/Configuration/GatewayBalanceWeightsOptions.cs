namespace Bulwark.Gateway.Configuration;

/// <summary>
/// The weights of a <c>Bandit</c> route's score: for each request, provider <c>i</c> scores
/// <c>Success · θᵢ + Latency · min(1, BalanceLatencyGoal / Lᵢ) + Cost · Cmin / Cᵢ</c>, <c>θᵢ</c> drawn from the Beta
/// posterior of its recent successes and failures, <c>Lᵢ</c> its recent mean response time and <c>Cᵢ</c> its recent mean
/// cost per request (the requests it served on this route whose model has a price), <c>Cmin</c> the cheapest provider's;
/// the highest score is tried first.
/// </summary>
public sealed class GatewayBalanceWeightsOptions
{
    /// <summary>Gets or sets the weight of the sampled success rate.</summary>
    /// <value>Defaults to 1. Range 0 to 100; not all weights 0.</value>
    public double? Success { get; set; }

    /// <summary>Gets or sets the weight of the latency term.</summary>
    /// <value>Defaults to 0.5. Range 0 to 100; not all weights 0.</value>
    public double? Latency { get; set; }

    /// <summary>Gets or sets the weight of the cost term (on a route with an <c>Api</c> kind, whose requests are priced).</summary>
    /// <value>Defaults to 0. Range 0 to 100; only on a route whose <c>Api</c> is <c>OpenAI</c> or <c>Anthropic</c>.</value>
    public double? Cost { get; set; }
}
