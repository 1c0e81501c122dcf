namespace Bulwark.Gateway.Configuration;

/// <summary>One upstream provider: where it is, which pipeline guards it, and the headers it needs.</summary>
public sealed class GatewayProviderOptions
{
    /// <summary>Gets or sets the provider's base URL; the request path is appended to it as-is.</summary>
    /// <value>Required. An absolute <c>http</c> or <c>https</c> URL without query or fragment.</value>
    public string? BaseUrl { get; set; }

    /// <summary>Gets or sets the name of the pipeline that guards this provider. Each provider gets its own instance of it.</summary>
    /// <value>Defaults to <c>default</c>.</value>
    public string Pipeline { get; set; } = Bulwark.Configuration.BulwarkOptions.DefaultPipelineName;

    /// <summary>Gets or sets request headers added on the way to this provider (for example its API key), by header name.</summary>
    /// <value>Defaults to none.</value>
    public IDictionary<string, GatewayHeaderOptions> Headers { get; set; } =
        new Dictionary<string, GatewayHeaderOptions>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Gets or sets the model names this provider serves, by the name a client asks for: the JSON body's top-level
    /// <c>model</c> is rewritten to the mapped name on the way to this provider (that field only; the rest of the body goes
    /// byte for byte). <c>*</c> maps every other name. A request whose model has no entry (and no <c>*</c>) passes this
    /// provider over, with the reason in its attempts; a body that is not JSON, or has no <c>model</c>, goes unchanged.
    /// </summary>
    /// <value>
    /// Defaults to none: every body goes unchanged. Names are compared exactly (case-sensitive); a name with a colon
    /// cannot be a key (the configuration's path separator). Values: 1 to 256 characters.
    /// </value>
    public IDictionary<string, string> Models { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// Gets or sets the prices of the provider's models per million tokens, by model name, for the cost of each request on
    /// a route with an <c>Api</c> kind. A served model is priced by its exact name, else by a name here followed by a dated
    /// version of digits and dashes (<c>gpt-4o-mini</c> prices <c>gpt-4o-mini-2024-07-18</c>, <c>gpt-4o</c> does not); a
    /// model with no price has an unknown cost, never zero.
    /// </summary>
    /// <value>Defaults to none.</value>
    public IDictionary<string, GatewayModelPriceOptions> Prices { get; set; } =
        new Dictionary<string, GatewayModelPriceOptions>(StringComparer.OrdinalIgnoreCase);
}
