namespace Bulwark.Gateway.Configuration;

/// <summary>How a deferring route (<c>"OnFailure": "Defer"</c>) stores and delivers requests: <c>Bulwark:Routes:N:Defer</c>.</summary>
public sealed class GatewayDeferralOptions
{
    /// <summary>Gets or sets the delivery attempts (the failed direct attempt included) after which a deferred request becomes a dead letter.</summary>
    /// <value>Defaults to <see langword="null"/>: <c>Bulwark:Deliveries:MaxAttempts</c> (20). Range 2 to 1,000.</value>
    public int? MaxAttempts { get; set; }

    /// <summary>Gets or sets how long a deferred request may wait for delivery before it becomes a dead letter.</summary>
    /// <value>Defaults to <see langword="null"/>: <c>Bulwark:Deliveries:TimeToLive</c> (24 hours). Range 1 second to 30 days.</value>
    public TimeSpan? TimeToLive { get; set; }

    /// <summary>
    /// Gets or sets the largest request body the route accepts: a deferred request is stored whole, so a larger body is
    /// refused up front with 413.
    /// </summary>
    /// <value>Defaults to 1 MiB. Range 0 to <c>Bulwark:MaxBufferedBodyBytes</c>.</value>
    public long MaxBodyBytes { get; set; } = DeferralConstants.DefaultMaxBodyBytes;

    /// <summary>
    /// Gets or sets more client headers to store with a deferred request and send again on delivery. Always stored:
    /// <c>Content-Type</c>, <c>Accept</c>, <c>Accept-Language</c>, <c>Content-Language</c>, <c>Idempotency-Key</c> and the
    /// correlation id. Credentials (<c>Authorization</c>, <c>Cookie</c>, <c>Proxy-Authorization</c>) are refused:
    /// provider credentials come from configuration at delivery.
    /// </summary>
    /// <value>Defaults to none beyond those always stored.</value>
    public IList<string> ReplayHeaders { get; set; } = [];

    /// <summary>
    /// Gets or sets the request header whose value orders deliveries: deferred requests with the same value are delivered one
    /// at a time, in the order they were accepted.
    /// </summary>
    /// <value>Defaults to <see langword="null"/>: no ordering between different idempotency keys.</value>
    public string? OrderingHeader { get; set; }
}
