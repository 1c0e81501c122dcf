namespace Bulwark.Gateway.Configuration;

/// <summary>
/// The gateway's <c>Bulwark:Limits</c> section: what one request may carry, and how much one client may ask of the
/// gateway. Rejections are answered before any provider is called: 413 and 429 as problem+json, 431 by Kestrel itself.
/// </summary>
public sealed class GatewayLimitsOptions
{
    /// <summary>
    /// Gets or sets the largest request body accepted, in bytes; a larger one is answered 413, whether its
    /// <c>Content-Length</c> says so up front or a chunked body grows past it.
    /// </summary>
    /// <value>Defaults to 30,000,000 (Kestrel's default). Range 1 to 1,099,511,627,776 (1 TiB).</value>
    public long MaxRequestBodyBytes { get; set; } = LimitsConstants.DefaultMaxRequestBodyBytes;

    /// <summary>Gets or sets the largest total size of a request's headers, in bytes; Kestrel answers 431 past it.</summary>
    /// <value>Defaults to 32,768 (Kestrel's default). Range 1,024 to 1,048,576.</value>
    public int MaxRequestHeadersTotalSize { get; set; } = LimitsConstants.DefaultMaxRequestHeadersTotalSize;

    /// <summary>Gets or sets the most headers a request may carry; Kestrel answers 431 past it.</summary>
    /// <value>Defaults to 100 (Kestrel's default). Range 1 to 10,000.</value>
    public int MaxRequestHeaderCount { get; set; } = LimitsConstants.DefaultMaxRequestHeaderCount;

    /// <summary>
    /// Gets or sets how many requests one client may have in flight on a route at once; more are answered 429. A client
    /// is its API key (the <c>Authorization</c> header's bearer token, else <c>X-Api-Key</c>; only a hash is kept),
    /// else its IP address. A route can override this in <c>Routes[i]:RateLimit</c>.
    /// </summary>
    /// <value>Defaults to 0: no limit. Range 0 to 100,000.</value>
    public int ConcurrencyPerClient { get; set; }

    /// <summary>
    /// Gets or sets how many requests one client may start on a route per minute (a fixed one-minute window); more are
    /// answered 429 with <c>Retry-After</c> set to when the window renews. Clients are told apart as for
    /// <see cref="ConcurrencyPerClient"/>. A route can override this in <c>Routes[i]:RateLimit</c>.
    /// </summary>
    /// <value>Defaults to 0: no limit. Range 0 to 10,000,000.</value>
    public int RequestsPerMinutePerClient { get; set; }
}
