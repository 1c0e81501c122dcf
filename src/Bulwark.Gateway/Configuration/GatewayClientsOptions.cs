namespace Bulwark.Gateway.Configuration;

/// <summary>Client identity (<c>Bulwark:Clients</c>): how gateway-issued keys are checked, and the trusted user header.</summary>
public sealed class GatewayClientsOptions
{
    /// <summary>
    /// Gets or sets the header that names the user on routes with <c>Clients: TrustedHeader</c>. Only where every caller
    /// is trusted (behind an authenticating proxy that sets it): the gateway takes it as said.
    /// </summary>
    /// <value>Defaults to <see langword="null"/>; required when a route has <c>Clients: TrustedHeader</c>, refused otherwise.</value>
    public string? UserHeader { get; set; }

    /// <summary>
    /// Gets or sets how long a key found valid in the store is accepted from memory before the store is read again. A key
    /// revoked through this gateway is refused at once; one revoked through another gateway sharing the store file, within
    /// this duration. Zero reads the store on every request.
    /// </summary>
    /// <value>Defaults to 30 seconds. Range 0 to 10 minutes.</value>
    public TimeSpan KeyCacheDuration { get; set; } = ClientsConstants.DefaultKeyCacheDuration;
}
