namespace Bulwark.Gateway.Configuration;

/// <summary>Defaults and bounds of usage reading and pricing on routes with an <c>Api</c> kind.</summary>
internal static class UsageConstants
{
    /// <summary>The highest price per million tokens accepted: far above any model's, low enough to catch a slip of several orders of magnitude.</summary>
    public const decimal MaxPricePerMillionTokens = 100_000m;

    /// <summary>The largest JSON response body (or single SSE event) read for its usage; a larger one is passed on unread, its usage unknown.</summary>
    public const int MaxParsedBytes = 1024 * 1024;

    /// <summary>The currency of prices and costs, and the unit of the cost counter.</summary>
    public const string Currency = "USD";
}
