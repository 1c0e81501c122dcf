namespace Bulwark.Gateway.Configuration;

/// <summary>Defaults and limits of a provider's <c>Auth</c>.</summary>
internal static class ProviderAuthConstants
{
    public const string DefaultHeaderName = "Authorization";

    public const string DefaultHeaderFormat = "Bearer {0}";

    /// <summary>The AWS service a signature is for when none is configured: S3 and the stores that speak its API.</summary>
    public const string DefaultAwsService = "s3";

    /// <summary>The lifetime assumed for an access token whose endpoint states none (<c>expires_in</c> is only recommended by RFC 6749).</summary>
    public static readonly TimeSpan DefaultTokenLifetime = TimeSpan.FromHours(1);

    /// <summary>How long before it expires an access token is replaced.</summary>
    public static readonly TimeSpan DefaultRefreshBeforeExpiry = TimeSpan.FromSeconds(60);

    public static readonly TimeSpan MaxRefreshBeforeExpiry = TimeSpan.FromMinutes(30);

    /// <summary>How long one token request may take before it is a failure.</summary>
    public static readonly TimeSpan TokenRequestTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The lifetime asked for a Google service account's signed assertion (Google's maximum).</summary>
    public static readonly TimeSpan GoogleAssertionLifetime = TimeSpan.FromHours(1);

    public const string GoogleJwtBearerGrant = "urn:ietf:params:oauth:grant-type:jwt-bearer";

    /// <summary>The largest secret file read (a service account key is about 2.3 KB).</summary>
    public const int MaxSecretFileBytes = 64 * 1024;
}
