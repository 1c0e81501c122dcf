namespace Bulwark.Gateway.Configuration;

/// <summary>Where the instances of a fleet share their state.</summary>
public enum SharedStateProvider
{
    /// <summary>Nothing is shared: each instance has its own breakers and limits (one instance, or instances that need not agree).</summary>
    None = 0,

    /// <summary>Redis: breakers and per-client request rates are shared by every instance on the same Redis and key prefix.</summary>
    Redis = 1,
}
