namespace Bulwark.Gateway.Configuration;

/// <summary>Which clients a route serves, and how they are identified.</summary>
public enum RouteClients
{
    /// <summary>Any client, unidentified (per-client limits tell them apart by API key hash or address). The default.</summary>
    Anonymous = 0,

    /// <summary>
    /// Only clients presenting a valid, unrevoked, unexpired gateway-issued key (<c>POST /admin/keys</c>) as
    /// <c>Authorization: Bearer</c> or <c>X-Api-Key</c>; others get 401. The key is never forwarded to a provider.
    /// </summary>
    Keys = 1,

    /// <summary>
    /// Clients the deployment trusts to name their user in <c>Bulwark:Clients:UserHeader</c>; a request without it gets
    /// 401. For gateways behind an authenticating proxy only: the header is taken as said.
    /// </summary>
    TrustedHeader = 2,
}
