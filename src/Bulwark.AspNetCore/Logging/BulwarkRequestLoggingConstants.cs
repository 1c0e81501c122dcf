namespace Bulwark.AspNetCore.Logging;

/// <summary>Defaults of <see cref="BulwarkRequestLoggingOptions"/>.</summary>
internal static class BulwarkRequestLoggingConstants
{
    /// <summary>The logger category of request events: <c>Bulwark.AspNetCore.Requests</c>.</summary>
    public const string Category = "Bulwark.AspNetCore.Requests";

    /// <summary>The default duration from which a successful request is logged as a warning: 1 second.</summary>
    public static readonly TimeSpan DefaultSlowRequestThreshold = TimeSpan.FromSeconds(1);

    /// <summary>The default header that names the tenant: <c>X-Tenant-ID</c>.</summary>
    public const string DefaultTenantIdHeader = "X-Tenant-ID";

    /// <summary>The header proxies append client addresses to.</summary>
    public const string ForwardedForHeader = "X-Forwarded-For";
}
