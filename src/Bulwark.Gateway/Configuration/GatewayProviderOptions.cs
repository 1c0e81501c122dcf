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
    /// Gets or sets how the gateway authenticates itself to this provider, for each attempt: a header with a secret, an
    /// AWS Signature Version 4, or a bearer token from OAuth 2.0 client credentials or a Google service account.
    /// </summary>
    /// <value>Defaults to none: only <see cref="Headers"/> are added.</value>
    public GatewayProviderAuthOptions? Auth { get; set; }

    /// <summary>
    /// Gets or sets the API this provider speaks, when it differs from its routes': <c>Anthropic</c> on a route whose
    /// <c>Api</c> is <c>OpenAI</c> makes the gateway translate chat completions (<c>POST …/chat/completions</c>) to
    /// Anthropic's Messages API for this provider (<c>…/messages</c>, its JSON and its event streams) and its answers back;
    /// other requests of such a route pass this provider over, with the reason in their attempts, as does a chat
    /// completion with a field Anthropic's API cannot honour.
    /// </summary>
    /// <value>
    /// Defaults to none: the provider speaks its routes' API and requests go to it as they came. <c>Anthropic</c> may be
    /// set for a provider used only by <c>OpenAI</c> or <c>Anthropic</c> routes (on the latter, nothing is translated);
    /// <c>OpenAI</c> only for one used by <c>OpenAI</c> routes.
    /// </value>
    public RouteApi? Api { get; set; }

    /// <summary>
    /// Gets or sets the <c>max_tokens</c> sent to a provider whose <c>Api</c> is <c>Anthropic</c> for a translated chat
    /// completion that sets neither <c>max_completion_tokens</c> nor <c>max_tokens</c> (Anthropic's API requires one).
    /// </summary>
    /// <value>Defaults to 4096; allowed 1 to 1,000,000; only for a provider whose <c>Api</c> is <c>Anthropic</c>.</value>
    public int? DefaultMaxTokens { get; set; }

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
