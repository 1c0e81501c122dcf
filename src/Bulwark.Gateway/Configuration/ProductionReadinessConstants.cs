namespace Bulwark.Gateway.Configuration;

/// <summary>The thresholds of the production-readiness check.</summary>
internal static class ProductionReadinessConstants
{
    /// <summary>256 bits of a random base64 or hex token; the admin API can isolate every provider.</summary>
    public const int MinProductionTokenLength = 32;

    /// <summary>What the shutdown section (<c>Bulwark:Shutdown:DrainTimeout</c>) defaults to when absent.</summary>
    public static readonly TimeSpan DefaultDrainTimeout = TimeSpan.FromSeconds(25);

    public const string DrainTimeoutKey = "Bulwark:Shutdown:DrainTimeout";

    /// <summary>Above this, a burst of concurrent uploads holds buffers of this size each.</summary>
    public const long LargeBufferedBodyBytes = 8 * 1024 * 1024;

    /// <summary>
    /// The least time a delivery lease should leave beyond the attempt timeout and the store's busy timeout: an attempt
    /// may take its whole timeout, and recording its outcome may then wait for the store's lock, all before the lease
    /// runs out and the sweeper takes the work for stuck.
    /// </summary>
    public static readonly TimeSpan MinLeaseSlack = TimeSpan.FromSeconds(10);

    /// <summary>Header names whose value is a credential.</summary>
    public static readonly string[] SecretHeaderNames =
        ["Authorization", "Proxy-Authorization", "Cookie", "X-Api-Key", "Api-Key", "X-Auth-Token", "X-Access-Token", "Ocp-Apim-Subscription-Key", "X-Goog-Api-Key"];

    /// <summary>Words that make any other header name look like it carries a credential.</summary>
    public static readonly string[] SecretHeaderWords = ["key", "token", "secret", "password", "auth", "signature", "session"];
}
