namespace Bulwark.Gateway.Configuration;

/// <summary>What the gateway does when its store cannot be opened at start-up.</summary>
public enum StoreFailureMode
{
    /// <summary>Refuse to start, with a message that says what is wrong: the default.</summary>
    FailClosed = 0,

    /// <summary>
    /// Serve without durable features: breakers start closed and are not saved, deferral routes answer failures as
    /// routes without deferral do. <c>/health/ready</c> reports the store as degraded and the logs say so.
    /// </summary>
    FailOpen = 1,
}
