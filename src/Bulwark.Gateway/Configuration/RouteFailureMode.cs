namespace Bulwark.Gateway.Configuration;

/// <summary>What a route does with a request when every provider failed.</summary>
public enum RouteFailureMode
{
    /// <summary>Answer the failure (502, 503 or 504 problem+json): the default.</summary>
    Fail = 0,

    /// <summary>
    /// Store the request durably and answer <c>202 Accepted</c>; a background dispatcher delivers it later. Only requests that
    /// may be replayed are deferred: those with an <c>Idempotency-Key</c> header, or every request on an idempotent route.
    /// </summary>
    Defer = 1,
}
