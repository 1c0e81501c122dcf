namespace Bulwark.Gateway.Deferral;

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

    public static readonly string[] DefaultReplayHeaders = ["Accept", "Accept-Language", "Content-Language"];

    public static readonly string[] CredentialHeaders = ["Authorization", "Proxy-Authorization", "Cookie"];
}
