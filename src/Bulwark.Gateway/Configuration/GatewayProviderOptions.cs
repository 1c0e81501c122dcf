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
}
