namespace Bulwark.AspNetCore.Logging;

/// <summary>Options of Bulwark's request logging middleware.</summary>
public sealed class BulwarkRequestLoggingOptions
{
    /// <summary>Gets or sets the duration from which a request that did not fail is logged as a warning.</summary>
    /// <value>The default is 1 second; greater than zero.</value>
    public TimeSpan SlowRequestThreshold { get; set; } = BulwarkRequestLoggingConstants.DefaultSlowRequestThreshold;

    /// <summary>Gets or sets a value indicating whether <c>path</c> includes the query string (redacted like every field).</summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool LogQueryString { get; set; }

    /// <summary>Gets or sets the request header that names the tenant, or <see langword="null"/> to log no tenant.</summary>
    /// <value>The default is <c>X-Tenant-ID</c>.</value>
    public string? TenantIdHeader { get; set; } = BulwarkRequestLoggingConstants.DefaultTenantIdHeader;

    /// <summary>
    /// Gets or sets a request header that names the user; when <see langword="null"/> or absent, the user is the name
    /// of the authenticated <c>HttpContext.User</c>.
    /// </summary>
    /// <value>The default is <see langword="null"/>.</value>
    public string? UserIdHeader { get; set; }

    /// <summary>
    /// Gets the proxies, as IP addresses or CIDR ranges (<c>10.0.0.0/8</c>, <c>2001:db8::/32</c>), whose
    /// <c>X-Forwarded-For</c> is believed. The client is the right-most forwarded address that is not a trusted proxy;
    /// from any other peer the header is ignored and the client is the connection's remote address.
    /// </summary>
    /// <value>The default is empty: <c>X-Forwarded-For</c> is never believed.</value>
    public IList<string> TrustedProxies { get; } = [];

    /// <summary>Gets or sets a value indicating whether each failover attempt is also logged, at <c>Debug</c>.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool LogAttempts { get; set; } = true;

    /// <summary>
    /// Gets or sets a value indicating whether body bytes are counted when no <c>Content-Length</c> gives them (the
    /// response body is wrapped for the request; off, <c>bytes_out</c> is the response's <c>Content-Length</c>, if any).
    /// </summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool CountBodyBytes { get; set; } = true;

    /// <summary>Gets or sets the clock durations are measured with, or <see langword="null"/> for the registered <see cref="System.TimeProvider"/>.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public TimeProvider? TimeProvider { get; set; }
}
