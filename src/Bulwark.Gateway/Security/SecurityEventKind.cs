namespace Bulwark.Gateway.Security;

/// <summary>What a refused or suspicious request was, as the <c>security-concern</c> signal's <c>kind</c> label names it.</summary>
internal enum SecurityEventKind
{
    /// <summary>401 answered to a client outside the admin API and the dashboard: a missing, unknown or revoked key.</summary>
    ClientAuth = 0,

    /// <summary>401 or 403 answered on the admin API or the dashboard: a wrong admin token, a forged form.</summary>
    AdminAuth = 1,

    /// <summary>A request with an absolute-form target (<c>GET http://host/...</c>) or the CONNECT method: someone trying the gateway as an open proxy.</summary>
    OpenProxy = 2,

    /// <summary>A request that matched no route (404 from the catch-all): scanning.</summary>
    NoRoute = 3,
}
