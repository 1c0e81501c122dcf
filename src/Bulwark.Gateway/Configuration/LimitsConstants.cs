namespace Bulwark.Gateway.Configuration;

/// <summary>Defaults and ranges of the gateway's request limits (<c>Bulwark:Limits</c>).</summary>
internal static class LimitsConstants
{
    /// <summary>Kestrel's own default request body limit.</summary>
    public const long DefaultMaxRequestBodyBytes = 30_000_000;

    public const long MaxMaxRequestBodyBytes = 1L << 40;

    /// <summary>Kestrel's own default: 32 KiB of request headers.</summary>
    public const int DefaultMaxRequestHeadersTotalSize = 32 * 1024;

    public const int MinMaxRequestHeadersTotalSize = 1024;

    public const int MaxMaxRequestHeadersTotalSize = 1024 * 1024;

    /// <summary>Kestrel's own default: 100 request headers.</summary>
    public const int DefaultMaxRequestHeaderCount = 100;

    public const int MaxMaxRequestHeaderCount = 10_000;

    public const int MaxConcurrencyPerClient = 100_000;

    public const int MaxRequestsPerMinutePerClient = 10_000_000;

    /// <summary>The Retry-After sent with a 429 when the limiter cannot tell (a concurrency limit).</summary>
    public static readonly TimeSpan DefaultRetryAfter = TimeSpan.FromSeconds(1);

    public const string ApiKeyHeader = "X-Api-Key";
}
