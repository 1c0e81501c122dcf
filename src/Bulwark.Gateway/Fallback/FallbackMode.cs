namespace Bulwark.Gateway.Fallback;

/// <summary>What a route answers when every attempt of a request failed.</summary>
public enum FallbackMode
{
    /// <summary>A configured response: status, headers, content type and body.</summary>
    Static,

    /// <summary>For GET: the last successful response to the same path and query, if it is recent enough.</summary>
    LastGood,
}
