namespace Bulwark.Storage.Redis.RateLimiting;

/// <summary>Settings of a <see cref="RedisFixedWindowRateLimiter"/>.</summary>
public sealed class RedisFixedWindowRateLimiterOptions
{
    /// <summary>Gets or sets how many permits the whole fleet grants per window.</summary>
    /// <value>Required: 1 to 1,000,000,000.</value>
    public int PermitLimit { get; set; }

    /// <summary>Gets or sets the window. Windows are aligned on Redis's clock (one minute: each minute from :00), so every instance counts the same window.</summary>
    /// <value>Defaults to 1 minute. Range 1 second to 1 day.</value>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Gets or sets what is counted: the client, the client and route... Instances that use the same key share the count.</summary>
    /// <value>Required: 1 to 512 characters.</value>
    public string? Key { get; set; }

    /// <summary>Gets or sets what happens while Redis cannot be reached (or answers slower than the connection's operation timeout).</summary>
    /// <value>Defaults to <see cref="SharedStateFailureMode.FailOpen"/>.</value>
    public SharedStateFailureMode OnRedisFailure { get; set; }
}
