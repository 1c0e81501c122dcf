namespace Bulwark.Gateway.Configuration;

/// <summary>
/// What one model of a provider costs, per million tokens, in the currency of the gateway's cost figures (USD):
/// <c>{ "Input": 0.15, "Output": 0.60, "CachedInput": 0.075 }</c>.
/// </summary>
public sealed class GatewayModelPriceOptions
{
    /// <summary>Gets or sets the price of one million input (prompt) tokens that were not read from the provider's cache.</summary>
    /// <value>Required. 0 to 100,000.</value>
    public decimal? Input { get; set; }

    /// <summary>Gets or sets the price of one million output (completion) tokens.</summary>
    /// <value>Required. 0 to 100,000.</value>
    public decimal? Output { get; set; }

    /// <summary>Gets or sets the price of one million input tokens the provider read from its prompt cache.</summary>
    /// <value>Defaults to <see cref="Input"/>. 0 to 100,000.</value>
    public decimal? CachedInput { get; set; }
}
