namespace Bulwark.Gateway.Fallback;

/// <summary>
/// A route's fallback (<c>Routes[]:Fallback</c>): what the route answers, instead of a 502, 503 or 504 problem, when
/// every attempt of a request failed. It takes precedence over the <c>Fallback</c> of its providers' pipelines.
/// </summary>
public sealed class GatewayFallbackOptions
{
    /// <summary>Gets or sets what the fallback answers.</summary>
    /// <value>Defaults to <see cref="FallbackMode.Static"/>.</value>
    public FallbackMode Mode { get; set; }

    /// <summary>Gets or sets the static response's status code (<see cref="FallbackMode.Static"/> only).</summary>
    /// <value>Defaults to 503. Range 200 to 599.</value>
    public int? StatusCode { get; set; }

    /// <summary>Gets or sets the static response's content type (<see cref="FallbackMode.Static"/> only).</summary>
    /// <value>Defaults to <c>application/json</c>.</value>
    public string? ContentType { get; set; }

    /// <summary>Gets or sets the static response's body (<see cref="FallbackMode.Static"/> only).</summary>
    /// <value>Defaults to an empty body.</value>
    public string? Body { get; set; }

    /// <summary>Gets or sets the static response's headers, by name (<see cref="FallbackMode.Static"/> only).</summary>
    /// <value>Defaults to none. Not a header that frames the message or addresses the hop, nor <c>Content-Type</c> (use <see cref="ContentType"/>).</value>
    public IDictionary<string, string> Headers { get; set; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets or sets how old a kept response may be and still be served (<see cref="FallbackMode.LastGood"/>; required there).</summary>
    /// <value>No default. Range 1 second to 1 day.</value>
    public TimeSpan? MaxAge { get; set; }

    /// <summary>Gets or sets how many responses the route keeps, one per path and query, least recently used dropped first (<see cref="FallbackMode.LastGood"/> only).</summary>
    /// <value>Defaults to 1,000. Range 1 to 100,000.</value>
    public int? MaxEntries { get; set; }

    /// <summary>Gets or sets the largest response body kept (<see cref="FallbackMode.LastGood"/> only); a larger response is not kept.</summary>
    /// <value>Defaults to 65,536. Range 0 to 16,777,216.</value>
    public int? MaxBodyBytes { get; set; }
}
