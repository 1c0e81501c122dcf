namespace Bulwark.Gateway.Configuration;

/// <summary>Defaults, limits and names of deferred delivery in the gateway.</summary>
internal static class DeferralConstants
{
    public const long DefaultMaxBodyBytes = 1024 * 1024;

    /// <summary>Where a client reads a deferred request's status: <c>/bulwark/deliveries/{id}</c>.</summary>
    public const string StatusPathPrefix = "/bulwark/deliveries/";

    /// <summary>Response header naming the delivery a response belongs to.</summary>
    public const string DeliveryIdHeader = "X-Bulwark-Delivery-Id";

    /// <summary>Response header set on a stored response answered again for a repeated idempotency key.</summary>
    public const string ReplayedHeader = "X-Bulwark-Replayed";

    /// <summary>Response header on a replayed stored response whose body was too long to keep: <c>not-kept</c>.</summary>
    public const string BodyHeader = "X-Bulwark-Replayed-Body";

    /// <summary>The longest idempotency key or ordering value accepted (the store's limit).</summary>
    public const int MaxKeyLength = 255;

    public static readonly string[] DefaultReplayHeaders = ["Accept", "Accept-Language", "Content-Language"];

    public static readonly string[] CredentialHeaders = ["Authorization", "Proxy-Authorization", "Cookie"];

    /// <summary>Headers never stored or replayed: they frame the message, address the hop, or steer routing or the method.</summary>
    public static readonly string[] NeverReplayed =
    [
        "Host", "Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer", "Transfer-Encoding", "Upgrade", "Content-Length",
        "Expect", "Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "X-Forwarded-Prefix", "X-Real-IP",
        "X-Original-URL", "X-Rewrite-URL", "X-HTTP-Method", "X-HTTP-Method-Override", "X-Method-Override", "Idempotency-Key",
    ];
}
