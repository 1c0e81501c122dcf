namespace Bulwark.Gateway.Configuration;

/// <summary>Defaults, limits and header names of the gateway.</summary>
internal static class GatewayConstants
{
    public const long DefaultMaxBufferedBodyBytes = 1024 * 1024;

    public const long MaxMaxBufferedBodyBytes = 100 * 1024 * 1024;

    public static readonly TimeSpan DefaultRouteTimeout = TimeSpan.FromSeconds(30);

    public const string ProviderHeader = "X-Bulwark-Provider";

    public const string AttemptsHeader = "X-Bulwark-Attempts";

    public const string RetryHeader = "X-Bulwark-Retry";

    public const string CorrelationHeader = "X-Correlation-ID";

    public const string IdempotencyKeyHeader = "Idempotency-Key";
}
