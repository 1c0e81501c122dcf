namespace Bulwark.Gateway.Configuration;

/// <summary>A route's own per-client limits (<c>Routes[i]:RateLimit</c>); a value left unset takes <c>Bulwark:Limits</c>'.</summary>
public sealed class GatewayRateLimitOptions
{
    /// <summary>Gets or sets how many requests one client may start on this route per minute; 0 turns the limit off here.</summary>
    /// <value>Defaults to <see langword="null"/>: <c>Bulwark:Limits:RequestsPerMinutePerClient</c>. Range 0 to 10,000,000.</value>
    public int? RequestsPerMinutePerClient { get; set; }

    /// <summary>Gets or sets how many requests one client may have in flight on this route; 0 turns the limit off here.</summary>
    /// <value>Defaults to <see langword="null"/>: <c>Bulwark:Limits:ConcurrencyPerClient</c>. Range 0 to 100,000.</value>
    public int? ConcurrencyPerClient { get; set; }
}
