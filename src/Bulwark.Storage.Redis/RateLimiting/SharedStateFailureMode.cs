namespace Bulwark.Storage.Redis.RateLimiting;

/// <summary>What a limit shared on Redis does while Redis cannot be reached.</summary>
public enum SharedStateFailureMode
{
    /// <summary>Serve the request (the limit is not enforced while Redis is away): availability first.</summary>
    FailOpen = 0,

    /// <summary>Refuse the request as if the limit were reached: the limit is never exceeded.</summary>
    FailClosed = 1,
}
