namespace Bulwark.Gateway.Demo;

/// <summary>How a sample provider misbehaves on one request.</summary>
internal enum SampleFault
{
    /// <summary>Answers 200 with a small JSON body.</summary>
    None,

    /// <summary>Answers 503 Service Unavailable.</summary>
    ServiceUnavailable,

    /// <summary>Answers 429 Too Many Requests with <c>Retry-After: 1</c>.</summary>
    TooManyRequests,

    /// <summary>Resets the connection after the usual service time, as a crashing process does.</summary>
    Reset,

    /// <summary>Resets the connection at once, as a provider that is down does.</summary>
    Down,
}
