namespace Bulwark.Gateway.Fallback;

/// <summary>Defaults, ranges and header names of the gateway's fallback.</summary>
internal static class FallbackConstants
{
    /// <summary>The header every fallback response carries, valued <see cref="Static"/> or <see cref="LastGood"/>.</summary>
    public const string Header = "X-Bulwark-Fallback";

    public const string Static = "static";

    public const string LastGood = "last-good";

    /// <summary>The request log's and metrics' <c>error.type</c> of a request a fallback answered: the providers failed.</summary>
    public const string StaticErrorType = "fallback-static";

    public const string LastGoodErrorType = "fallback-last-good";

    public const int DefaultStatusCode = 503;

    public const string DefaultContentType = "application/json";

    public const int DefaultMaxEntries = 1000;

    public const int MaxMaxEntries = 100_000;

    public const int DefaultMaxBodyBytes = 64 * 1024;

    public const int MaxMaxBodyBytes = 16 * 1024 * 1024;

    public static readonly TimeSpan MinMaxAge = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan MaxMaxAge = TimeSpan.FromDays(1);
}
